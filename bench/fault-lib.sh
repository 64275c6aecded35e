# Sourced by the fault benchmarks (registry-pg-restart.sh, registry-replica-kill.sh, registry-partition.sh,
# registry-restart-bench.sh) and the PostgreSQL-store load runs (registry-vs-eureka.sh -s postgres,
# registry-pg-replicas.sh): a private, throw-away PostgreSQL cluster and the class path of the Java load programs.
# Needs ROOT and WORK set; the PostgreSQL functions also PG_BIN and PG_PORT, and root (the cluster runs as postgres).

# pg_ctl on the private cluster, e.g. forge_bench_pg start, forge_bench_pg "-m immediate stop"
forge_bench_pg() {
  su postgres -c "$PG_BIN/pg_ctl -D $WORK/data -l $WORK/pg.log -o '-p $PG_PORT -k $WORK' -w $*" >/dev/null
}

# The same as a command line, for a load program to run.
forge_bench_pg_command() {
  echo "su postgres -c \"$PG_BIN/pg_ctl -D $WORK/data -l $WORK/pg.log -o '-p $PG_PORT -k $WORK' -w $*\" >/dev/null"
}

# Creates and starts the cluster with database $1, listening on $2 (default 127.0.0.1), trusting the
# connections from network $3 too (e.g. 10.231.2.0/30) when given.
forge_bench_pg_init() {
  chown postgres "$WORK"
  su postgres -c "$PG_BIN/initdb -D $WORK/data -A trust -U postgres" >/dev/null
  echo "listen_addresses = '${2:-127.0.0.1}'" >>"$WORK/data/postgresql.conf"
  [ -z "${3:-}" ] || echo "host all all $3 trust" >>"$WORK/data/pg_hba.conf"
  forge_bench_pg start
  # pg_ctl -w may return before the TCP listener takes connections on a loaded machine.
  local attempt
  for attempt in $(seq 1 20); do
    su postgres -c "psql -q -h 127.0.0.1 -p $PG_PORT -c 'create database $1'" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "PostgreSQL on port $PG_PORT did not take connections; its log:" >&2
  cat "$WORK/pg.log" >&2
  return 1
}

# Drops database $1 if it exists and creates it empty.
forge_bench_pg_fresh_db() {
  su postgres -c "PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PG_PORT \
    -c 'drop database if exists $1' -c 'create database $1'" >/dev/null
}

# Stops the cluster at once and deletes its files (for an EXIT trap).
forge_bench_pg_discard() {
  forge_bench_pg "-m immediate stop" 2>/dev/null || true
  rm -rf "$WORK"
}

# A free TCP port on loopback.
forge_bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A command writing "instance_id last_renewal_us registered_at_us" lines of database $1 to file $2.
forge_bench_pg_dump_command() {
  echo "psql -h 127.0.0.1 -p $PG_PORT -U postgres -d $1 -At -F ' ' -c \"select instance_id," \
    "(extract(epoch from last_renewal) * 1000000)::bigint, (extract(epoch from registered_at) * 1000000)::bigint" \
    "from instances\" > $2"
}

# Fills directory $1 with the registry's libraries (they hold forge-client's dependencies) and forge-client.
forge_bench_client_libs() {
  local jar client
  jar="$(forge_exec_jar registry)"
  client="$ROOT/forge-client/target/forge-client-$(forge_version).jar"
  [ -f "$jar" ] && [ -f "$client" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl forge-registry,forge-client -am)
  unzip -q -j -o "$jar" 'BOOT-INF/lib/*' -d "$1"
  cp "$client" "$1/"
}

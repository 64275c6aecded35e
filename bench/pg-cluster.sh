# Sourced by bench scripts: a private, throw-away PostgreSQL cluster (Debian's PostgreSQL 15 binaries, run as user
# postgres, so root is needed) on $BENCH_PG_PORT (default: a free port), never the system's cluster. pg_cluster_start creates and starts it,
# pg_fresh_db NAME (re)creates an empty database, pg_cluster_stop stops it and deletes its files.
PG_BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_PORT="${BENCH_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')}"
PG_WORK=""

pg_cluster_start() {
  [ -x "$PG_BIN/pg_ctl" ] || { echo "PostgreSQL 15 binaries not found in $PG_BIN (apt-get install postgresql-15)" >&2; return 1; }
  PG_WORK="$(mktemp -d /tmp/forge-bench-pg.XXXXXX)"
  chown postgres "$PG_WORK"
  su postgres -c "$PG_BIN/initdb -D $PG_WORK/data -A trust -U postgres" >/dev/null
  pg_ctl_run start || { cat "$PG_WORK/pg.log" >&2; rm -rf "$PG_WORK"; PG_WORK=""; return 1; }
}

pg_ctl_run() { # start | stop | "-m immediate stop" …
  su postgres -c "$PG_BIN/pg_ctl -D $PG_WORK/data -l $PG_WORK/pg.log -o '-p $PG_PORT -k $PG_WORK' -w $*" >/dev/null
}

pg_fresh_db() {
  su postgres -c "PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PG_PORT \
    -c 'drop database if exists $1' -c 'create database $1'" >/dev/null
}

pg_jdbc_url() { echo "jdbc:postgresql://127.0.0.1:$PG_PORT/$1"; }

pg_cluster_stop() {
  [ -n "$PG_WORK" ] || return 0
  pg_ctl_run "-m immediate stop" 2>/dev/null || true
  rm -rf "$PG_WORK"
  PG_WORK=""
}

#!/usr/bin/env bash
# The catalog search's embedding model alone (bench/EmbedderCheck.java): resident memory it adds when loaded and after
# embedding the labelled set in bench/search, a digest of all those vectors (the same digest = bit-identical
# embeddings), and the time (wall clock and CPU) to embed one question. The heap is fixed and pre-touched
# (EMBED_JAVA_OPTS, default "-Xms512m -Xmx512m -XX:+AlwaysPreTouch"), so growth in RSS is the model's native memory,
# not the heap resizing.
#   bench/embedder-check.sh [runs] [sources dir]   e.g. compare a checkout of another commit:
#   bench/embedder-check.sh 3 /tmp/old/forge-registry/src/main/java/io/agentforge/registry/search
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-3}"
SEARCH="${2:-$ROOT/forge-registry/src/main/java/io/agentforge/registry/search}"
. "$ROOT/scripts/pick-jdk.sh"
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JAR="$(forge_exec_jar registry)"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl forge-registry -am package)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && unzip -q "$JAR" 'BOOT-INF/lib/*')
CP="$(ls "$WORK"/BOOT-INF/lib/*.jar | tr '\n' ':')"
"$JAVA_HOME/bin/javac" -nowarn -proc:none -d "$WORK/classes" -cp "$CP" \
  "$SEARCH"/{TextEmbedder,MiniLmEmbedder}.java "$ROOT/bench/EmbedderCheck.java" 2>&1 | grep -v '^Note:' || true
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq 1 "$RUNS"); do
  # shellcheck disable=SC2086  # several options
  "$JAVA_HOME/bin/java" ${EMBED_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch} --enable-native-access=ALL-UNNAMED \
    -Dbench.data="$ROOT/bench/search" -cp "$WORK/classes:$CP" io.agentforge.registry.search.EmbedderCheck 2>&1 \
    | grep -v -E 'WARN|INFO|SLF4J'
done

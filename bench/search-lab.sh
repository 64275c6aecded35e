#!/usr/bin/env bash
# Ranking experiments on the labelled set in bench/search, in process (bench/SearchLab.java): the registry's own
# search classes compiled from forge-registry's sources against the libraries of its exec jar. Each row reports the tune
# half, the test half and the whole set. Knobs (LEX, SEM, SECOND, QUERY_STOP, MODEL, ENSEMBLE) are described in
# SearchLab.java; e.g. LEX=name1 bench/search-lab.sh. MODEL=minilm-q or e5-small-v2-q (or ENSEMBLE=bge-small-q) also
# needs LAB_JARS=<its langchain4j jar>.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/pick-jdk.sh"
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JAR="$(forge_exec_jar registry)"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl forge-registry -am package)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && unzip -q "$JAR" 'BOOT-INF/lib/*')
CP="$(ls "$WORK"/BOOT-INF/lib/*.jar | tr '\n' ':')${LAB_JARS:-}"
SEARCH="$ROOT/forge-registry/src/main/java/io/agentforge/registry/search"
"$JAVA_HOME/bin/javac" -nowarn -proc:none -d "$WORK/classes" -cp "$CP" \
  "$SEARCH"/{Words,Bm25,FunctionText,TextEmbedder,MiniLmEmbedder}.java "$ROOT/bench/SearchLab.java" 2>&1 | grep -v '^Note:' || true
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dbench.data="$ROOT/bench/search" -cp "$WORK/classes:$CP" \
  io.agentforge.registry.search.SearchLab 2>&1 | grep -v -E 'WARN|INFO|SLF4J'

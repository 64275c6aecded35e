# Sourced by ./forge, .ci/run and bench scripts: exports JAVA_HOME pointing at a JDK >= 21.
# Order: JAVA_HOME, the java on PATH, then the newest JDK under /usr/lib/jvm.

forge_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

forge_pick_jdk() {
  local candidate major best="" best_major=0 dir
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(forge_java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ]; then export JAVA_HOME; return 0; fi
  fi
  if command -v java >/dev/null 2>&1; then
    candidate=$(readlink -f "$(command -v java)")
    major=$(forge_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ]; then JAVA_HOME=$(dirname "$(dirname "$candidate")"); export JAVA_HOME; return 0; fi
  fi
  for dir in /usr/lib/jvm/*; do
    [ -x "$dir/bin/java" ] || continue
    major=$(forge_java_major "$dir/bin/java")
    if [ "${major:-0}" -gt "$best_major" ]; then best="$dir"; best_major=$major; fi
  done
  if [ "$best_major" -ge 21 ]; then JAVA_HOME="$best"; export JAVA_HOME; return 0; fi
  echo "Agent Forge needs a JDK >= 21 and none was found (JAVA_HOME, PATH, /usr/lib/jvm)." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21/25, or point JAVA_HOME at it." >&2
  return 1
}

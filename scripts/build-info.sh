# Sourced by ./forge and the bench scripts: names that come from the build, so a version bump changes one line
# (the root pom.xml). Needs ROOT set to the project root.

# The project version: the <version> right after <artifactId>agent-forge</artifactId> in the root pom.
forge_version() {
  awk '/<artifactId>agent-forge<\/artifactId>/ {found=1; next}
       found && /<version>/ {gsub(/.*<version>|<\/version>.*/, ""); print; exit}' "$ROOT/pom.xml"
}

# A property of the root pom, e.g. forge_pom_property wiremock.version
forge_pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n 1
}

# The runnable (exec) jar of a module, e.g. forge_exec_jar registry
forge_exec_jar() {
  echo "$ROOT/forge-$1/target/forge-$1-$(forge_version)-exec.jar"
}

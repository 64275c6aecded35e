# Sourced by bench scripts: harness_with_lease HARNESS DIR LEASE copies the shared registry harness (the folder of
# HARNESS, timestamps kept so its Eureka build stays cached) into DIR with every registered instance holding a
# LEASE-second lease (Agent Forge's leaseDuration, Eureka's durationInSecs) instead of 90 s, and prints the copy's
# run-registry.sh. Needed when registering all N instances takes longer than 90 s: nothing renews during registration.
harness_with_lease() {
  local src dir="$2" lease="$3" templates
  src="$(dirname "$1")"
  mkdir -p "$dir" && cp -a "$src"/. "$dir"/
  templates="$dir/load/templates"
  sed -i "s/\"leaseDuration\":\"90s\"/\"leaseDuration\":\"${lease}s\"/" "$templates/agentforge-instance.json"
  sed -i "s/\"durationInSecs\":90/\"durationInSecs\":$lease/" "$templates/eureka-instance.json"
  grep -q "\"leaseDuration\":\"${lease}s\"" "$templates/agentforge-instance.json" \
    && grep -q "\"durationInSecs\":$lease" "$templates/eureka-instance.json" \
    || { echo "could not set a ${lease}s lease in $templates" >&2; return 1; }
  echo "$dir/$(basename "$1")"
}

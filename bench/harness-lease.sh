# shellcheck shell=bash
# Sourced by bench scripts. The shared registry harness is never edited in place: it is copied, then the copy is
# changed (bench/harness-large-n.sh has the changes for N = 100,000).
# harness_copy HARNESS DIR copies the folder of HARNESS (timestamps kept so its Eureka build stays cached) into DIR
# and prints the copy's run-registry.sh.
# harness_with_lease HARNESS DIR LEASE does the same with every registered instance holding a LEASE-second lease
# (Agent Forge's leaseDuration, Eureka's durationInSecs) instead of 90 s. Needed when registering all N instances
# takes longer than 90 s: nothing renews during registration.
harness_copy() {
  local dir="$2"
  mkdir -p "$dir" && cp -a "$(dirname "$1")"/. "$dir"/ && chmod -R u+w "$dir"
  echo "$dir/$(basename "$1")"
}
harness_with_lease() {
  local copy dir="$2" lease="$3" templates
  copy="$(harness_copy "$1" "$dir")" || return 1
  templates="$dir/load/templates"
  sed -i "s/\"leaseDuration\":\"90s\"/\"leaseDuration\":\"${lease}s\"/" "$templates/agentforge-instance.json"
  sed -i "s/\"durationInSecs\":90/\"durationInSecs\":$lease/" "$templates/eureka-instance.json"
  if ! grep -q "\"leaseDuration\":\"${lease}s\"" "$templates/agentforge-instance.json" \
    || ! grep -q "\"durationInSecs\":$lease" "$templates/eureka-instance.json"; then
    echo "could not set a ${lease}s lease in $templates" >&2; return 1
  fi
  echo "$copy"
}

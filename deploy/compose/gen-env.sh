#!/usr/bin/env bash
# Writes a .env for docker-compose.yml from .env.example, with generated secrets:
#   AGENTFORGE_ADMIN_KEY           af_<12 of [a-z0-9]>_<40 of [A-Za-z0-9]>
#   AGENTFORGE_AGENT_API_KEY       the same format, each key with its own keyId: the registry provisions these
#   AGENTFORGE_CALCULATOR_API_KEY  four with roles service, service, client and service (AGENTFORGE_SERVICE_KEYS)
#   AGENTFORGE_CONSOLE_API_KEY     and refuses to start if two keys share a keyId
#   AGENTFORGE_GATEWAY_API_KEY
#   AGENTFORGE_DATABASE_PASSWORD   32 of [A-Za-z0-9]
#   AGENTFORGE_AGENT_DATABASE_PASSWORD  the same, for the agent's own database user
#   TRAEFIK_DASHBOARD_USERS        admin:<apr1 hash> of a generated password, printed once
# Every other line is copied as it is. Refuses to overwrite an existing file unless --force.
#
# Usage: ./gen-env.sh [--force] [output file, default .env next to this script]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
force=false
if [ "${1:-}" = "--force" ]; then
  force=true
  shift
fi
out="${1:-$here/.env}"

if [ -e "$out" ] && [ "$force" != true ]; then
  echo "$out exists; not overwriting it (use --force to replace it and its secrets)." >&2
  exit 1
fi
if ! command -v openssl >/dev/null 2>&1; then
  echo "openssl is needed to hash the Traefik dashboard password." >&2
  exit 1
fi

# n random characters of a tr set. Reads bounded chunks so no pipe is cut short (pipefail-safe).
random_chars() {
  local set=$1 n=$2 acc=""
  while [ "${#acc}" -lt "$n" ]; do
    acc+=$(head -c 256 /dev/urandom | LC_ALL=C tr -dc "$set")
  done
  printf '%s' "${acc:0:$n}"
}

api_key() {
  printf 'af_%s_%s' "$(random_chars 'a-z0-9' 12)" "$(random_chars 'A-Za-z0-9' 40)"
}

# The registry refuses two keys with one keyId. 12 random characters make a clash all but impossible; checking
# costs nothing and keeps the promise exact.
key_id() {
  local rest=${1#af_}
  printf '%s' "${rest%%_*}"
}
while :; do
  admin_key=$(api_key)
  agent_key=$(api_key)
  calculator_key=$(api_key)
  console_key=$(api_key)
  gateway_key=$(api_key)
  ids=$(printf '%s\n' "$(key_id "$admin_key")" "$(key_id "$agent_key")" "$(key_id "$calculator_key")" \
    "$(key_id "$console_key")" "$(key_id "$gateway_key")" | sort -u | wc -l)
  [ "$ids" -eq 5 ] && break
done
db_password=$(random_chars 'A-Za-z0-9' 32)
agent_db_password=$(random_chars 'A-Za-z0-9' 32)
dashboard_password=$(random_chars 'A-Za-z0-9' 24)
dashboard_users="admin:$(printf '%s\n' "$dashboard_password" | openssl passwd -apr1 -stdin)"

tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
chmod 600 "$tmp"
# Values travel through the environment, not awk -v, so that nothing in them is unescaped. The dashboard line is
# single-quoted: Compose would otherwise interpolate the $ signs of the hash.
ADMIN_KEY="$admin_key" AGENT_KEY="$agent_key" CALCULATOR_KEY="$calculator_key" CONSOLE_KEY="$console_key" \
  GATEWAY_KEY="$gateway_key" \
  DB_PASSWORD="$db_password" AGENT_DB_PASSWORD="$agent_db_password" DASHBOARD_USERS="$dashboard_users" awk '
  /^AGENTFORGE_ADMIN_KEY=/          { print "AGENTFORGE_ADMIN_KEY=" ENVIRON["ADMIN_KEY"]; next }
  /^AGENTFORGE_AGENT_API_KEY=/      { print "AGENTFORGE_AGENT_API_KEY=" ENVIRON["AGENT_KEY"]; next }
  /^AGENTFORGE_CALCULATOR_API_KEY=/ { print "AGENTFORGE_CALCULATOR_API_KEY=" ENVIRON["CALCULATOR_KEY"]; next }
  /^AGENTFORGE_CONSOLE_API_KEY=/    { print "AGENTFORGE_CONSOLE_API_KEY=" ENVIRON["CONSOLE_KEY"]; next }
  /^AGENTFORGE_GATEWAY_API_KEY=/    { print "AGENTFORGE_GATEWAY_API_KEY=" ENVIRON["GATEWAY_KEY"]; next }
  /^AGENTFORGE_DATABASE_PASSWORD=/  { print "AGENTFORGE_DATABASE_PASSWORD=" ENVIRON["DB_PASSWORD"]; next }
  /^AGENTFORGE_AGENT_DATABASE_PASSWORD=/ { print "AGENTFORGE_AGENT_DATABASE_PASSWORD=" ENVIRON["AGENT_DB_PASSWORD"]; next }
  /^TRAEFIK_DASHBOARD_USERS=/       { print "TRAEFIK_DASHBOARD_USERS=\047" ENVIRON["DASHBOARD_USERS"] "\047"; next }
  { print }
' "$here/.env.example" >"$tmp"
mv "$tmp" "$out"
trap - EXIT

cat <<MSG
Wrote $out (mode 600) with new API keys (admin, agent, calculator, console), database passwords (registry, agent)
and a Traefik dashboard login.
  Traefik dashboard  user admin, password $dashboard_password  (shown only now; the file keeps its hash)
  Admin API key      grep AGENTFORGE_ADMIN_KEY $out
Set OPENAI_API_KEY there to use a model, then: docker compose up -d --build
MSG

#!/usr/bin/env bash
# Gives the agent's role (10-agent-schema.sql) its password from AGENTFORGE_AGENT_DATABASE_PASSWORD. PostgreSQL runs
# this once, when it creates the data volume; run it again by hand after changing the password (docs/deploy-docker.md).
# The password travels as a psql variable, quoted by psql: nothing in it is interpreted as SQL.
set -euo pipefail
: "${AGENTFORGE_AGENT_DATABASE_PASSWORD:?set AGENTFORGE_AGENT_DATABASE_PASSWORD (./gen-env.sh writes one)}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=password="$AGENTFORGE_AGENT_DATABASE_PASSWORD" <<'SQL'
ALTER ROLE agent WITH LOGIN PASSWORD :'password';
SQL

# Sourced by bench/agent-bench.sh and bench/a2a-bench.sh: starts a registry, an instant stub model (WireMock in the
# OpenAI wire format, bench/agent-stub), a calculator and an agent on loopback, ports from $STACK_PORT (registry +1,
# agent +2, calculator +3, stub model +10), and waits until the agent has answered one question with the calculator.
# Leaves: JAVA, R (registry URL), AGENT_URL, CALC_URL, STUB_URL, CLIENT_KEY, CALC_MS and AGENT_MS (start to
# registered), AGENT_PID, CALC_PID; everything it starts is stopped when the calling script exits.
: "${STACK_PORT:?set STACK_PORT before sourcing stub-stack.sh}"
. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JAVA="$JAVA_HOME/bin/java"
WIREMOCK_VERSION=$(forge_pom_property wiremock.version)
WIREMOCK_JAR=$(ls ~/.m2/repository/org/wiremock/wiremock-standalone/"$WIREMOCK_VERSION"/wiremock-standalone-"$WIREMOCK_VERSION".jar)
for m in registry calculator agent; do
  [ -f "$(forge_exec_jar "$m")" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package)
done
ADMIN="af_benchadmin${STACK_KEY_TAG:-02}_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
R=http://127.0.0.1:$((STACK_PORT + 1))
AGENT_URL=http://127.0.0.1:$((STACK_PORT + 2))
CALC_URL=http://127.0.0.1:$((STACK_PORT + 3))
STUB_URL=http://127.0.0.1:$((STACK_PORT + 10))
LOGS=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null' EXIT

ready() { for _ in $(seq 1 240); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.25; done; return 1; }
# key NAME ROLE [SCOPE-JSON]: service keys are scoped to the names (and kinds) they may register.
key() {
  curl -fs -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"roles\":[\"$2\"]${3:+,$3}}" $R/api/v1/keys | sed -E 's/.*"key":"([^"]+)".*/\1/'
}
registered() {
  local start=$1 name=$2
  for _ in $(seq 1 400); do
    if curl -fs -H "Authorization: Bearer $ADMIN" "$R/api/v1/services?name=$name&status=UP" | grep -q instanceId; then
      echo $(( ($(date +%s%N) - start) / 1000000 )); return
    fi
    sleep 0.05
  done
  echo "never"
}

AGENTFORGE_ADMIN_KEY="$ADMIN" AGENTFORGE_REGISTRY_ALLOW_LOOPBACK_ENDPOINTS=true "$JAVA" -jar "$(forge_exec_jar registry)" \
  --server.address=127.0.0.1 --server.port=$((STACK_PORT + 1)) >"$LOGS/registry.log" 2>&1 & PIDS+=($!)
"$JAVA" -jar "$WIREMOCK_JAR" --port $((STACK_PORT + 10)) --bind-address 127.0.0.1 --root-dir "$ROOT/bench/agent-stub" \
  --disable-request-logging --no-request-journal >"$LOGS/wiremock.log" 2>&1 & PIDS+=($!)
ready $R/actuator/health/readiness
ready "$STUB_URL/__admin/health" || ready "$STUB_URL/__admin/mappings"
CALC_KEY=$(key calculator service '"services":["calculator"]')
AGENT_KEY=$(key agent service '"services":["agent"],"kinds":["AGENT"]')
CLIENT_KEY=$(key bench client)

START=$(date +%s%N)
# The benchmark calls the calculator directly with its client key (to time the tool on its own): allow keys there.
AGENTFORGE_REGISTRY_URL=$R AGENTFORGE_API_KEY="$CALC_KEY" AGENTFORGE_SECURITY_ACCEPT_API_KEYS=true "$JAVA" -jar \
  "$(forge_exec_jar calculator)" --server.address=127.0.0.1 \
  --server.port=$((STACK_PORT + 3)) >"$LOGS/calculator.log" 2>&1 & PIDS+=($!); CALC_PID=$!
CALC_MS=$(registered "$START" calculator)

START=$(date +%s%N)
AGENTFORGE_REGISTRY_URL=$R AGENTFORGE_API_KEY="$AGENT_KEY" OPENAI_API_KEY=sk-bench \
  AGENTFORGE_LLM_BASE_URL="$STUB_URL/v1" AGENTFORGE_LLM_MODEL=bench "$JAVA" ${AGENT_JAVA_OPTS:-} -jar \
  "$(forge_exec_jar agent)" --server.address=127.0.0.1 --server.port=$((STACK_PORT + 2)) \
  --agentforge.agent.rate-limit.requests-per-minute=100000000 --logging.level.io.agentforge=WARN \
  >"$LOGS/agent.log" 2>&1 & PIDS+=($!); AGENT_PID=$!
AGENT_MS=$(registered "$START" agent)
# The agent needs the calculator in its discovery cache before the first question.
for _ in $(seq 1 100); do
  curl -fs -H "Authorization: Bearer $CLIENT_KEY" -H 'Content-Type: application/json' \
    -d '{"message":"what is 1+1?"}' "$AGENT_URL/api/v1/chat" | grep -q '"tool":"calculator_evaluate"' && break
  sleep 0.2
done

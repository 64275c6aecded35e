{{/*
Configuration through the environment. Plain settings go to the component's ConfigMap (a dict rendered as YAML);
secrets and pod-specific values are container env entries (secretKeyRef, downward API) and never reach a ConfigMap.
*/}}
{{- define "agent-forge.config" -}}
{{- $root := .root }}
{{- $c := index $root.Values .component }}
{{- $cfg := dict "SERVER_PORT" (toString $c.port) }}
{{- with $root.Values.logFormat }}
{{- $_ := set $cfg "AGENTFORGE_LOG_FORMAT" . }}
{{- end }}
{{- with $c.javaToolOptions }}
{{- $_ := set $cfg "JAVA_TOOL_OPTIONS" . }}
{{- end }}
{{- with $root.Values.observability.otlp.endpoint }}
{{- /* The one setting every service reads (forge-web's TracingEnvironment): traces go to <endpoint>/v1/traces. */}}
{{- $_ := set $cfg "AGENTFORGE_OTLP_ENDPOINT" . }}
{{- with $root.Values.observability.otlp.sampling }}
{{- $_ := set $cfg "AGENTFORGE_TRACING_SAMPLING" (toString .) }}
{{- end }}
{{- end }}
{{- if eq .component "console" }}
{{- with $root.Values.observability.traceUrlTemplate }}
{{- $_ := set $cfg "AGENTFORGE_CONSOLE_TRACE_URL_TEMPLATE" . }}
{{- end }}
{{- end }}
{{- if eq .component "registry" }}
{{- $_ := set $cfg "AGENTFORGE_REGISTRY_STORE" "postgres" }}
{{- $_ := set $cfg "AGENTFORGE_DATABASE_URL" (include "agent-forge.database.url" $root) }}
{{- else }}
{{- $_ := set $cfg "AGENTFORGE_REGISTRY_URL" (include "agent-forge.registryUrl" $root) }}
{{- end }}
{{- if eq .component "agent" }}
{{- with $c.llm.baseUrl }}
{{- $_ := set $cfg "AGENTFORGE_LLM_BASE_URL" . }}
{{- end }}
{{- with $c.llm.model }}
{{- $_ := set $cfg "AGENTFORGE_LLM_MODEL" . }}
{{- end }}
{{- with $c.jwtIssuerUri }}
{{- $_ := set $cfg "AGENTFORGE_JWT_ISSUER_URI" . }}
{{- $_ := set $cfg "AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE" (required "agent.jwtAudience is required when agent.jwtIssuerUri is set: the audience the issuer puts in tokens meant for the agent (without it the agent would accept any JWT of that issuer)" $c.jwtAudience) }}
{{- end }}
{{- if $c.database.enabled }}
{{- $_ := set $cfg "AGENTFORGE_DATABASE_URL" (include "agent-forge.agentDatabase.url" $root) }}
{{- end }}
{{- end }}
{{- if has .component (list "agent" "calculator") }}
{{- /* Callers present short-lived tokens from the registry, never a long-lived key (the default, made visible). */}}
{{- $_ := set $cfg "AGENTFORGE_SECURITY_ACCEPT_API_KEYS" "false" }}
{{- end }}
{{- /* Every endpoint is a pod or Service address on the cluster's private network. Loopback, link-local and cloud
metadata addresses stay refused. The registry has its own endpoint policy and does not read this setting. */}}
{{- if ne .component "registry" }}
{{- $_ := set $cfg "AGENTFORGE_OUTBOUND_ALLOW_PRIVATE" "true" }}
{{- end }}
{{- if eq .component "console" }}
{{- $_ := set $cfg "AGENTFORGE_CONSOLE_AUTH" $c.auth }}
{{- if eq $c.auth "oidc" }}
{{- $_ := set $cfg "AGENTFORGE_OIDC_ISSUER_URI" (required "console.oidc.issuerUri is required when console.auth is oidc" $c.oidc.issuerUri) }}
{{- $_ := set $cfg "AGENTFORGE_OIDC_CLIENT_ID" (required "console.oidc.clientId is required when console.auth is oidc" $c.oidc.clientId) }}
{{- end }}
{{- end }}
{{- range $k, $v := $c.env }}
{{- $_ := set $cfg $k (toString $v) }}
{{- end }}
{{- toYaml $cfg }}
{{- end }}

{{- define "agent-forge.secretEnvFrom" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end }}

{{- define "agent-forge.env" -}}
{{- $root := .root }}
{{- $c := index $root.Values .component }}
{{- $keys := include "agent-forge.keys.secretName" $root }}
{{- if eq .component "registry" }}
{{- include "agent-forge.secretEnvFrom" (dict "name" "AGENTFORGE_ADMIN_KEY" "secret" $keys "key" $root.Values.keys.secretKeys.admin) }}
{{- $serviceKeys := list }}
{{- range $component := compact (splitList "," (include "agent-forge.keys.ownKeyComponents" $root)) }}
{{- $var := printf "AGENTFORGE_KEY_%s" (upper $component) }}
{{ include "agent-forge.secretEnvFrom" (dict "name" $var "secret" $keys "key" (index $root.Values.keys.secretKeys $component)) }}
{{- $serviceKeys = append $serviceKeys (include "agent-forge.keys.entry" (dict "component" $component "var" $var)) }}
{{- end }}
{{- with $serviceKeys }}
# Provisioned by the registry at start. Kubernetes expands $(VAR) only for variables defined above.
- name: AGENTFORGE_SERVICE_KEYS
  value: {{ join "," . | quote }}
{{- end }}
{{ include "agent-forge.secretEnvFrom" (dict "name" "AGENTFORGE_DATABASE_USER" "secret" (include "agent-forge.database.secretName" $root) "key" (include "agent-forge.database.usernameKey" $root)) }}
{{ include "agent-forge.secretEnvFrom" (dict "name" "AGENTFORGE_DATABASE_PASSWORD" "secret" (include "agent-forge.database.secretName" $root) "key" (include "agent-forge.database.passwordKey" $root)) }}
{{- else -}}
# Each pod registers its own endpoint: the registry probes it and callers balance across pods.
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: AGENTFORGE_ENDPOINT
  value: {{ printf "http://$(POD_IP):%v" $c.port | quote }}
{{ include "agent-forge.secretEnvFrom" (dict "name" "AGENTFORGE_API_KEY" "secret" $keys "key" (index $root.Values.keys.secretKeys .component)) }}
{{- end }}
{{- if eq .component "agent" }}
{{- if or $c.llm.apiKey $c.llm.existingSecret }}
{{ include "agent-forge.secretEnvFrom" (dict "name" "OPENAI_API_KEY" "secret" (include "agent-forge.llm.secretName" $root) "key" (include "agent-forge.llm.secretKey" $root)) }}
{{- end }}
{{- if $c.database.enabled }}
{{- $secret := include "agent-forge.agentDatabase.secretName" $root }}
{{ include "agent-forge.secretEnvFrom" (dict "name" "AGENTFORGE_DATABASE_USER" "secret" $secret "key" (include "agent-forge.agentDatabase.usernameKey" $root)) }}
{{ include "agent-forge.secretEnvFrom" (dict "name" "AGENTFORGE_DATABASE_PASSWORD" "secret" $secret "key" (include "agent-forge.agentDatabase.passwordKey" $root)) }}
{{- end }}
{{- end }}
{{- if and (eq .component "console") (eq $c.auth "oidc") }}
{{- if not (or $c.oidc.clientSecret $c.oidc.existingSecret) }}
{{- fail "console.oidc.clientSecret or console.oidc.existingSecret is required when console.auth is oidc" }}
{{- end }}
{{ include "agent-forge.secretEnvFrom" (dict "name" "AGENTFORGE_OIDC_CLIENT_SECRET" "secret" (include "agent-forge.oidc.secretName" $root) "key" (include "agent-forge.oidc.secretKey" $root)) }}
{{- end }}
{{- with $c.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Changes to these values roll the pods (Secrets are not watched by the pods). */}}
{{- define "agent-forge.secretsChecksum" -}}
{{- $v := .Values }}
{{- toJson (dict "keys" $v.keys "database" $v.database "llm" $v.agent.llm "agentDatabase" $v.agent.database "oidc" $v.console.oidc) | sha256sum }}
{{- end }}

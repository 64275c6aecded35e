{{/*
Names. Component resources are named <fullname>-<component>; helpers taking a component receive
(dict "root" $ "component" "<name>").
*/}}
{{- define "agent-forge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "agent-forge.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* <fullname>-<component>, short enough for every suffix the chart adds (-tls, -config, -api, ...). */}}
{{- define "agent-forge.componentName" -}}
{{- printf "%s-%s" (include "agent-forge.fullname" .root | trunc 40 | trimSuffix "-") .component }}
{{- end }}

{{- define "agent-forge.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "agent-forge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agent-forge.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{- define "agent-forge.labels" -}}
helm.sh/chart: {{ include "agent-forge.chart" .root }}
{{ include "agent-forge.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: agent-forge
{{- end }}

{{/* "true" when the component is deployed (the registry always is), "" otherwise. */}}
{{- define "agent-forge.enabled" -}}
{{- $c := index .root.Values .component }}
{{- if or (eq .component "registry") $c.enabled }}true{{ end }}
{{- end }}

{{- define "agent-forge.serviceAccountName" -}}
{{- $c := index .root.Values .component }}
{{- if $c.serviceAccount.create }}
{{- default (include "agent-forge.componentName" .) $c.serviceAccount.name }}
{{- else }}
{{- default "default" $c.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "agent-forge.image" -}}
{{- $c := index .root.Values .component }}
{{- if $c.image.digest }}
{{- printf "%s@%s" $c.image.repository $c.image.digest }}
{{- else }}
{{- printf "%s:%s" $c.image.repository (default .root.Chart.AppVersion $c.image.tag) }}
{{- end }}
{{- end }}

{{- define "agent-forge.registryUrl" -}}
{{- printf "http://%s:%v" (include "agent-forge.componentName" (dict "root" . "component" "registry")) .Values.registry.port }}
{{- end }}

{{/*
Secrets. A value given in values wins; otherwise, on upgrade, the value already stored in the cluster is kept
(lookup); otherwise a new one is generated. lookup runs only on upgrade: at install there is nothing to keep, and
`helm template` / offline rendering (which counts as an install) never needs a cluster.
Arguments: root, secretName, key, value, generated.
*/}}
{{- define "agent-forge.secretValue" -}}
{{- if .value }}
{{- .value }}
{{- else }}
{{- $existing := dict }}
{{- if .root.Release.IsUpgrade }}
{{- $existing = lookup "v1" "Secret" .root.Release.Namespace .secretName | default dict }}
{{- end }}
{{- $data := get $existing "data" | default dict }}
{{- if hasKey $data .key }}
{{- index $data .key | b64dec }}
{{- else }}
{{- .generated }}
{{- end }}
{{- end }}
{{- end }}

{{- define "agent-forge.keys.secretName" -}}
{{- default (printf "%s-keys" (include "agent-forge.fullname" .)) .Values.keys.existingSecret }}
{{- end }}

{{/*
The components that get a key of their own, comma-separated: enabled, and not pointed at the admin key's entry
(keys.secretKeys.<component> == keys.secretKeys.admin means "use the admin key"). The registry provisions each
through AGENTFORGE_SERVICE_KEYS with the role of agent-forge.keys.role. Two components reading one entry would
present one key, which the registry refuses (one keyId, two names): that fails here.
*/}}
{{- define "agent-forge.keys.ownKeyComponents" -}}
{{- $keys := .Values.keys }}
{{- $components := list }}
{{- $entries := dict }}
{{- range $component := list "agent" "calculator" "console" "gateway" }}
{{- $entry := index $keys.secretKeys $component }}
{{- if and (index $.Values $component).enabled (ne $entry $keys.secretKeys.admin) }}
{{- if hasKey $entries $entry }}
{{- fail (printf "keys.secretKeys.%s and keys.secretKeys.%s name the same entry %q: each service needs its own key" (get $entries $entry) $component $entry) }}
{{- end }}
{{- $_ := set $entries $entry $component }}
{{- $components = append $components $component }}
{{- end }}
{{- end }}
{{- join "," $components }}
{{- end }}

{{/* The least privilege each component's key needs: services register themselves, the console only reads. */}}
{{- define "agent-forge.keys.role" -}}
{{- get (dict "agent" "service" "calculator" "service" "console" "client" "gateway" "service") . }}
{{- end }}

{{/*
The scope of each component's key: the service names it may register (the names the images register under) and,
for the agent alone, the kind AGENT. The console's client key registers nothing and carries no scope.
*/}}
{{- define "agent-forge.keys.scope" -}}
{{- get (dict "agent" "services=agent;kinds=agent" "calculator" "services=calculator" "console" "" "gateway" "services=gateway") . }}
{{- end }}

{{/* One AGENTFORGE_SERVICE_KEYS entry, name:role[:scope]:$(VAR). Arguments: component, var. */}}
{{- define "agent-forge.keys.entry" -}}
{{- $scope := include "agent-forge.keys.scope" .component }}
{{- printf "%s:%s%s:$(%s)" .component (include "agent-forge.keys.role" .component) (ternary (printf ":%s" $scope) "" (not (empty $scope))) .var }}
{{- end }}

{{/* A fresh API key in the registry's format af_<keyId>_<secret>. */}}
{{- define "agent-forge.keys.generate" -}}
{{- printf "af_%s_%s" (randAlphaNum 12 | lower) (randAlphaNum 40) }}
{{- end }}

{{- define "agent-forge.cnpg.name" -}}
{{- printf "%s-db" (include "agent-forge.fullname" . | trunc 50 | trimSuffix "-") }}
{{- end }}

{{- define "agent-forge.database.secretName" -}}
{{- if .Values.database.cloudnativepg.enabled }}
{{- printf "%s-app" (include "agent-forge.cnpg.name" .) }}
{{- else }}
{{- default (printf "%s-database" (include "agent-forge.fullname" .)) .Values.database.existingSecret }}
{{- end }}
{{- end }}

{{- define "agent-forge.database.usernameKey" -}}
{{- if or .Values.database.cloudnativepg.enabled (not .Values.database.existingSecret) }}username{{ else }}{{ .Values.database.existingSecretUsernameKey }}{{ end }}
{{- end }}

{{- define "agent-forge.database.passwordKey" -}}
{{- if or .Values.database.cloudnativepg.enabled (not .Values.database.existingSecret) }}password{{ else }}{{ .Values.database.existingSecretPasswordKey }}{{ end }}
{{- end }}

{{- define "agent-forge.database.host" -}}
{{- if .Values.database.cloudnativepg.enabled }}
{{- printf "%s-rw" (include "agent-forge.cnpg.name" .) }}
{{- else }}
{{- .Values.database.host }}
{{- end }}
{{- end }}

{{- define "agent-forge.database.url" -}}
{{- $db := .Values.database }}
{{- if $db.url }}
{{- $db.url }}
{{- else }}
{{- if and (not $db.cloudnativepg.enabled) (not $db.host) }}
{{- fail "database.host (or database.url, or database.cloudnativepg.enabled) is required: the registry stores its instances in PostgreSQL" }}
{{- end }}
{{- printf "jdbc:postgresql://%s:%v/%s" (include "agent-forge.database.host" .) (ternary 5432 $db.port $db.cloudnativepg.enabled) $db.name }}
{{- with $db.parameters }}?{{ . }}{{ end }}
{{- end }}
{{- end }}

{{/*
The agent's own database credentials: never the registry's (it could then write API keys). Its Secret is the
given one or <fullname>-agent-database.
*/}}
{{- define "agent-forge.agentDatabase.secretName" -}}
{{- $db := .Values.agent.database }}
{{- if $db.existingSecret }}
{{- if eq $db.existingSecret (include "agent-forge.database.secretName" .) }}
{{- fail (printf "agent.database.existingSecret names the registry's database Secret %q: the agent needs its own database user, with rights on its own schema only" $db.existingSecret) }}
{{- end }}
{{- $db.existingSecret }}
{{- else }}
{{- if eq $db.user .Values.database.user }}
{{- fail (printf "agent.database.user is the registry's user %q: the agent needs its own database user, with rights on its own schema only" $db.user) }}
{{- end }}
{{- printf "%s-agent-database" (include "agent-forge.fullname" .) }}
{{- end }}
{{- end }}

{{/* The agent's role name (with CloudNativePG and agent.database.existingSecret, the Secret's username must be it). */}}
{{- define "agent-forge.agentDatabase.username" -}}
{{- .Values.agent.database.user }}
{{- end }}

{{- define "agent-forge.agentDatabase.usernameKey" -}}
{{- if .Values.agent.database.existingSecret }}{{ .Values.agent.database.existingSecretUsernameKey }}{{ else }}username{{ end }}
{{- end }}

{{- define "agent-forge.agentDatabase.passwordKey" -}}
{{- if .Values.agent.database.existingSecret }}{{ .Values.agent.database.existingSecretPasswordKey }}{{ else }}password{{ end }}
{{- end }}

{{/* The chart's database, in the agent's schema; agent.database.url as given. */}}
{{- define "agent-forge.agentDatabase.url" -}}
{{- if .Values.agent.database.url }}
{{- .Values.agent.database.url }}
{{- else }}
{{- $url := include "agent-forge.database.url" . }}
{{- printf "%s%scurrentSchema=agent" $url (ternary "&" "?" (contains "?" $url)) }}
{{- end }}
{{- end }}

{{- define "agent-forge.llm.secretName" -}}
{{- default (printf "%s-llm" (include "agent-forge.fullname" .)) .Values.agent.llm.existingSecret }}
{{- end }}

{{- define "agent-forge.llm.secretKey" -}}
{{- if .Values.agent.llm.existingSecret }}{{ .Values.agent.llm.existingSecretKey }}{{ else }}openai-api-key{{ end }}
{{- end }}

{{- define "agent-forge.oidc.secretName" -}}
{{- default (printf "%s-oidc" (include "agent-forge.fullname" .)) .Values.console.oidc.existingSecret }}
{{- end }}

{{- define "agent-forge.oidc.secretKey" -}}
{{- if .Values.console.oidc.existingSecret }}{{ .Values.console.oidc.existingSecretKey }}{{ else }}client-secret{{ end }}
{{- end }}

{{- define "agent-forge.issuerName" -}}
{{- if .Values.certManager.issuer.name }}
{{- .Values.certManager.issuer.name }}
{{- else if .Values.certManager.clusterIssuer.create }}
{{- default (printf "%s-letsencrypt-%s" (include "agent-forge.fullname" .) .Values.certManager.clusterIssuer.environment) .Values.certManager.clusterIssuer.name }}
{{- else }}
{{- fail "certManager.issuer.name is required when certManager.clusterIssuer.create is false" }}
{{- end }}
{{- end }}

{{/* Port of the OTLP endpoint, for the NetworkPolicy egress rule. */}}
{{- define "agent-forge.otlp.port" -}}
{{- $url := urlParse .Values.observability.otlp.endpoint }}
{{- $port := regexFind "[0-9]+$" (regexFind ":[0-9]+$" $url.host) }}
{{- if $port }}{{ $port }}{{ else if eq $url.scheme "https" }}443{{ else }}80{{ end }}
{{- end }}

{{/* A NetworkPolicy peer selecting one component's pods. */}}
{{- define "agent-forge.np.componentPeer" -}}
- podSelector:
    matchLabels:
      {{- include "agent-forge.selectorLabels" . | nindent 6 }}
{{- end }}

{{/* The ports one component listens on, as seen by a NetworkPolicy (app port, plus the Linkerd inbound proxy). */}}
{{- define "agent-forge.np.componentPorts" -}}
{{- $c := index .root.Values .component -}}
- protocol: TCP
  port: {{ $c.port }}
{{- if .root.Values.linkerd.enabled }}
- protocol: TCP
  port: 4143
{{- end }}
{{- end }}

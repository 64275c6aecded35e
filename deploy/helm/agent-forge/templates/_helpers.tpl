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
{{- range $component := list "agent" "calculator" "console" }}
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
{{- get (dict "agent" "service" "calculator" "service" "console" "client") . }}
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

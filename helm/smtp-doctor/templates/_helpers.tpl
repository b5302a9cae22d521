{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "smtp-doctor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; leaves room for the "-worker" suffix. */}}
{{- define "smtp-doctor.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "smtp-doctor.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "smtp-doctor.labels" -}}
helm.sh/chart: {{ include "smtp-doctor.chart" . }}
{{ include "smtp-doctor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "smtp-doctor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "smtp-doctor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one role; call with (dict "ctx" $ "component" "api"). */}}
{{- define "smtp-doctor.componentSelectorLabels" -}}
{{ include "smtp-doctor.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "smtp-doctor.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (toString (default .Chart.AppVersion .Values.image.tag)) }}
{{- end }}
{{- end }}

{{- define "smtp-doctor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "smtp-doctor.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "smtp-doctor.secretName" -}}
{{- default (include "smtp-doctor.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* Stops rendering with a plain message when a required value is missing. */}}
{{- define "smtp-doctor.validate" -}}
{{- if not .Values.secrets.existingSecret }}
{{- if not .Values.database.url }}
{{- fail "database.url is required (postgres://...), or set secrets.existingSecret" }}
{{- end }}
{{- if not .Values.redis.url }}
{{- fail "redis.url is required (redis://...), or set secrets.existingSecret" }}
{{- end }}
{{- if not .Values.secrets.secretKey }}
{{- fail "secrets.secretKey is required (openssl rand -hex 32), or set secrets.existingSecret" }}
{{- end }}
{{- end }}
{{- if and .Values.worker.keda.enabled (not .Values.worker.keda.redis.address) (not .Values.redis.url) }}
{{- fail "worker.keda.redis.address (host:port) is required when redis.url is not set" }}
{{- end }}
{{- end }}

{{/* Environment shared by both roles; call with (dict "ctx" $ "role" "api" "extra" .Values.api.extraEnv). */}}
{{- define "smtp-doctor.env" -}}
- name: ROLE
  value: {{ .role | quote }}
- name: PORT
  value: {{ .ctx.Values.containerPort | quote }}
- name: HOST
  value: "0.0.0.0"
{{- with .ctx.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "smtp-doctor.envFrom" -}}
- configMapRef:
    name: {{ include "smtp-doctor.fullname" . }}
- secretRef:
    name: {{ include "smtp-doctor.secretName" . }}
{{- end }}

{{/* Roll the pods when configuration or the chart's Secret changes. */}}
{{- define "smtp-doctor.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end }}

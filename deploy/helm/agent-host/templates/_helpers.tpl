{{/* Role name; every per-role object is named after it. */}}
{{- define "agent-host.role" -}}
{{- required "role is required: use -f values-<role>.yaml" .Values.role -}}
{{- end -}}

{{/* The host config (from --set-file config=configs/<role>.yaml), parsed. */}}
{{- define "agent-host.configText" -}}
{{- required "config is required: add --set-file config=configs/<role>.yaml" .Values.config -}}
{{- end -}}

{{/* The host config, parsed (fails on invalid YAML). */}}
{{- define "agent-host.config" -}}
{{- $cfg := fromYaml (include "agent-host.configText" .) -}}
{{- if hasKey $cfg "Error" -}}
{{- fail (printf "config is not valid YAML: %s" (get $cfg "Error")) -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/* The Service name, the config's `service:` (the name peers and the
governance use): Deployment, Service, ServiceAccount, PDB, HPA, Ingress and
ServiceMonitor carry it, and the pods carry it as label app. */}}
{{- define "agent-host.name" -}}
{{- $cfg := fromYaml (include "agent-host.config" .) -}}
{{- required "config has no service: name (it names the Service)" (get $cfg "service") -}}
{{- end -}}

{{- define "agent-host.drainTimeoutSeconds" -}}
{{- $cfg := fromYaml (include "agent-host.config" .) -}}
{{- $http := default dict (get $cfg "http") -}}
{{- $ms := default 10000 (get $http "drain_timeout_ms") | int -}}
{{- div (add $ms 999) 1000 -}}
{{- end -}}

{{- define "agent-host.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag | toString -}}
{{- if eq $tag "latest" -}}
{{- fail "image.tag must not be \"latest\": pin a version" -}}
{{- end -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}

{{- define "agent-host.labels" -}}
app.kubernetes.io/name: agent-host
app.kubernetes.io/instance: {{ include "agent-host.role" . }}
app.kubernetes.io/part-of: agent-host
app.kubernetes.io/version: {{ default .Chart.AppVersion .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector of the long-running host pods (not the CronJob pods). */}}
{{- define "agent-host.serverSelector" -}}
app.kubernetes.io/name: agent-host
app.kubernetes.io/component: server
{{- end -}}

{{- define "agent-host.jobSelector" -}}
app.kubernetes.io/name: agent-host
app.kubernetes.io/component: job
{{- end -}}

{{/* The governance's Secret keys mapped to the file names the host reads
(secrets_dir/<secret>/<file>); see docs/operations.md. */}}
{{- define "agent-host.secretVolumes" -}}
{{- range $secret, $files := .Values.secretFiles }}
- name: {{ $secret }}
  secret:
    secretName: {{ $secret }}
    defaultMode: 0440
    {{- with $files }}
    items:
      {{- range $key, $file := . }}
      - {key: {{ $key }}, path: {{ $file }}}
      {{- end }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* Pod Security "restricted": pod level, then container level. */}}
{{- define "agent-host.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "agent-host.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* "true" when the plugins keep their data in PostgreSQL (storage.backend),
"" with SQLite; fails on anything else. */}}
{{- define "agent-host.postgres" -}}
{{- $backend := .Values.storage.backend -}}
{{- if not (has $backend (list "sqlite" "postgres")) -}}
{{- fail (printf "storage.backend must be sqlite or postgres, not %q" $backend) -}}
{{- end -}}
{{- if eq $backend "postgres" }}true{{ end -}}
{{- end -}}

{{/* "true" when an HPA scales the role: asked for, or its state is in
PostgreSQL (nothing in the pod to keep to one writer). */}}
{{- define "agent-host.scales" -}}
{{- if or .Values.autoscaling.enabled (include "agent-host.postgres" .) }}true{{ end -}}
{{- end -}}

{{/* "true" when the role keeps SQLite/files on a ReadWriteOnce volume and
must have exactly one writer. */}}
{{- define "agent-host.singleWriter" -}}
{{- if and .Values.singleWriter (not (include "agent-host.postgres" .)) }}true{{ end -}}
{{- end -}}

{{/* The config file the pods get: configs/<role>.yaml as given; with
storage.backend postgres, its storage section gains `backend: postgres` and
the storage.postgres keys of the contract (data_dir/synchronous stay: SQLite
only, harmless). */}}
{{- define "agent-host.configFile" -}}
{{- if include "agent-host.postgres" . -}}
{{- $cfg := fromYaml (include "agent-host.config" .) -}}
{{- $pg := .Values.storage.postgres -}}
{{- $section := dict "url" $pg.url "secret" $pg.secret "database" $pg.database "pool_size" (int $pg.pool_size) "connect_timeout_ms" (int $pg.connect_timeout_ms) -}}
{{- $storage := merge (dict "backend" "postgres" "postgres" $section) (default dict (get $cfg "storage")) -}}
{{- $_ := set $cfg "storage" $storage -}}
# configs/{{ include "agent-host.role" . }}.yaml with the storage section of
# the chart's storage.backend postgres (keys sorted by the chart).
{{ toYaml $cfg }}
{{- else -}}
{{- include "agent-host.configText" . -}}
{{- end -}}
{{- end -}}

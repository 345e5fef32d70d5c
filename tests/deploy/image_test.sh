#!/usr/bin/env bash
# Builds the Agent Host image with podman from a locally made Debian base (no
# registry); checks the Debian packages its build stage made (lintian, apt
# install in a fresh container, a scaffolded plugin built, tested and served:
# package_test.sh); runs the image the way Kubernetes does (UID 1000, read-only root) and
# checks /readyz, /health and /metrics, a clean SIGTERM exit and the CronJob
# subcommand; builds and runs the in-cluster development PostgreSQL image
# (deploy/postgres: initdb from the db-secret, psql, restart); then brings up
# deploy/compose/docker-compose.yaml (three roles + Redis) and checks each role
# answers and reaches its peers by the Kubernetes DNS names the role configs use.
#
# Needs root (debootstrap, rootful podman). Installs missing tools with
# tools/install-deps.sh --image. Environment:
#   AH_IMAGE_TEST_KEEP=1   leave containers running for inspection
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base_image=docker.io/library/debian:bookworm-slim
image=localhost/agent-host:image-test
redis_image=localhost/agent-host-test-redis:bookworm
pg_image=localhost/agent-host-postgres:image-test
project=ah-image-test-$$
work="$(mktemp -d)"
container=""

log() { echo "image-test [$((SECONDS / 60))m$((SECONDS % 60))s]: $*"; }
fail() { echo "image-test: FAIL: $*" >&2; exit 1; }

cleanup() {
  local rc=$?
  if [[ "${AH_IMAGE_TEST_KEEP:-}" != 1 ]]; then
    [[ -n "$container" ]] && podman rm -f -t 0 "$container" >/dev/null 2>&1 || true
    if [[ -f "$work/compose-up" ]]; then
      (cd "$repo" && podman-compose -p "$project" -f deploy/compose/docker-compose.yaml down -v >/dev/null 2>&1) || true
    fi
    rm -rf "$work"
  else
    log "kept containers and $work"
  fi
  exit $rc
}
trap cleanup EXIT

[[ $(id -u) -eq 0 ]] || fail "needs root (debootstrap and rootful podman)"
for tool in podman runc debootstrap podman-compose; do
  command -v "$tool" >/dev/null || { "$repo/tools/install-deps.sh" --image; break; }
done

# Limits this machine's podman needs, read now rather than hard-coded.
nofile="$(ulimit -Hn)"
[[ "$nofile" == unlimited ]] && nofile=1048576
limits=(--ulimit "nofile=$nofile:$nofile" --ulimit nproc=32768:32768)
# podman-compose has no runtime flag: give it (and everything else) runc this way.
printf '[engine]\nruntime = "runc"\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"

# --- the base image: debootstrap from this machine's own apt source ---------
debian_mirror() {
  local file uri
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    # First stanza that carries the bookworm suite (not -security/-updates only).
    uri=$(awk 'BEGIN{RS=""} /Suites:[^\n]*bookworm( |$|\n)/ && /Types:[^\n]*deb( |$|\n)/ {
             match($0, /URIs:[ \t]*[^ \t\n]+/); if (RSTART) { s=substr($0,RSTART,RLENGTH); sub(/URIs:[ \t]*/,"",s); print s; exit } }' "$file")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  if [[ -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
    [[ -n $uri ]] && { echo "$uri"; return; }
  fi
  return 1
}

if ! podman image exists "$base_image"; then
  mirror="$(debian_mirror)" || fail "no bookworm 'deb' source in /etc/apt/sources.list(.d); cannot debootstrap"
  log "making $base_image with debootstrap from $mirror"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; fail "debootstrap failed (log above)"; }
  # The container gets this machine's Debian sources (updates, security too).
  for file in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
    [[ -f $file ]] && grep -q debian "$file" && cp "$file" "$rootfs/etc/apt/${file#/etc/apt/}"
  done
  [[ -n "$(ls "$rootfs"/etc/apt/sources.list.d/*.sources 2>/dev/null)" ]] && rm -f "$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import - localhost/debian:bookworm-slim >/dev/null
  podman tag localhost/debian:bookworm-slim "$base_image"
  rm -rf "$rootfs"
fi

# --- the image ---------------------------------------------------------------
# Swagger UI and the console's libraries are fetched here, where npm works (the
# same pinned packages the build would fetch), into the default folders that
# .dockerignore lets into the build context; the build then needs no npm
# registry, which a container may not reach (e.g. behind a TLS-intercepting proxy).
for fetch in fetch-swagger-ui fetch-console-libs; do
  "$repo/tools/$fetch.sh" >"$work/$fetch.log" 2>&1 ||
    { cat "$work/$fetch.log"; fail "tools/$fetch.sh failed (log above)"; }
done
log "building $image"
podman build --pull=never --runtime runc "${limits[@]}" -t "$image" -f "$repo/Dockerfile" "$repo" \
  >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; fail "podman build failed (log above)"; }
log "image size: $(podman image inspect --format '{{.Size}}' "$image") bytes"

# --- the Debian packages (the build stage made them; its layers are cached) --
build_stage=localhost/agent-host-build:image-test
podman build --pull=never --runtime runc "${limits[@]}" --target build -t "$build_stage" \
  -f "$repo/Dockerfile" "$repo" >"$work/build-stage.log" 2>&1 ||
  { tail -20 "$work/build-stage.log"; fail "tagging the build stage failed (log above)"; }
"$repo/tests/deploy/package_test.sh" "$build_stage" "$base_image" "$work/packages" --runtime runc "${limits[@]}" ||
  fail "the Debian packages (above)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Fetches URL; prints the body; fails unless the status is 200.
http_get() { python3 - "$1" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
    sys.stdout.write(r.read().decode())
PY
}

wait_ready() {  # URL, what
  local i
  for i in $(seq 1 60); do
    http_get "$1" >/dev/null 2>&1 && return 0
    sleep 1
  done
  fail "$2 not ready after 60 s at $1"
}

# Development secrets, laid out as Kubernetes mounts them.
secrets="$repo/deploy/compose/secrets"
secret_mounts=()
for name in api-keys llm-config db-secret redis-secret; do
  secret_mounts+=(-v "$secrets/$name:/etc/agent-host/secrets/$name:ro")
done

log "check-config of the three role configs inside the image"
for role in task-manager workflow reporting; do
  podman run --rm --runtime runc --user 1000:1000 --read-only "${limits[@]}" "${secret_mounts[@]}" \
    -v "$repo/configs/$role.yaml:/etc/agent-host/config/config.yaml:ro" \
    "$image" check-config /etc/agent-host/config/config.yaml >"$work/check-$role.log" 2>&1 ||
    { cat "$work/check-$role.log"; fail "check-config $role failed in the image"; }
done
podman run --rm --runtime runc --user 1000:1000 --read-only "${limits[@]}" "$image" --version

log "running the task-manager role as UID 1000 with a read-only root"
http_port=$(free_port)
metrics_port=$(free_port)
container=$project-single
podman run -d --name "$container" --runtime runc --user 1000:1000 --read-only "${limits[@]}" \
  -p "127.0.0.1:$http_port:8080" -p "127.0.0.1:$metrics_port:9090" "${secret_mounts[@]}" \
  -v "$repo/configs/task-manager.yaml:/etc/agent-host/config/config.yaml:ro" "$image" >/dev/null
wait_ready "http://127.0.0.1:$http_port/readyz" "the container"
health=$(http_get "http://127.0.0.1:$http_port/health")
python3 -c 'import json,sys; h=json.loads(sys.argv[1]); assert h.get("status")=="ok" and h.get("service")=="task-manager", h' "$health" ||
  fail "/health is not {status: ok, service: task-manager}: $health"
metrics=$(http_get "http://127.0.0.1:$metrics_port/metrics")
grep -q '^# TYPE agent_host_' <<<"$metrics" || fail "/metrics has no agent_host_ metrics"
[[ "$(podman exec "$container" id -u)" == 1000 ]] || fail "the host does not run as UID 1000"
if podman exec "$container" sh -c 'touch /usr/bin/x' 2>/dev/null; then fail "the root filesystem is writable"; fi
podman exec "$container" sh -c 'touch /var/lib/agent-host/data/.w /tmp/.w' || fail "data volume or /tmp not writable"
# The CronJob command, against the running host.
podman exec "$container" agent-host run-job --target http://127.0.0.1:8080 \
  --api-key-file /etc/agent-host/secrets/api-keys/api-keys task-manager/daily-report ||
  fail "run-job task-manager/daily-report failed"
# SIGTERM to PID 1: drain, then exit 0.
podman stop -t 30 "$container" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$container")
[[ "$code" == 0 ]] || { podman logs --tail 20 "$container"; fail "exit code $code after SIGTERM (want 0)"; }
podman rm "$container" >/dev/null
container=""
log "single container: ok"

# --- the in-cluster development PostgreSQL (deploy/postgres) ------------------
# Run as its StatefulSet runs it: UID 999, read-only root, an empty volume,
# the db-secret's keys as files. Its entrypoint must initdb with them; psql
# then gets in with that password only, and a restart keeps the data.
log "building $pg_image"
podman build --pull=never --runtime runc "${limits[@]}" -t "$pg_image" "$repo/deploy/postgres" \
  >"$work/pg-build.log" 2>&1 || { tail -20 "$work/pg-build.log"; fail "postgres image build failed (log above)"; }
mkdir -p "$work/pg-secret" "$work/pg-data"
chown 999:999 "$work/pg-data"
pg_password=$(openssl rand -hex 16)
printf 'agent_host' >"$work/pg-secret/username"
printf '%s\n' "$pg_password" >"$work/pg-secret/password"   # a trailing newline, as editors leave it
printf 'postgres.task-manager.svc.cluster.local' >"$work/pg-secret/host"
container=$project-postgres
pg_ready() {
  local i
  for i in $(seq 1 60); do
    podman exec "$container" pg_isready -q -h 127.0.0.1 2>/dev/null && return 0
    sleep 0.5
  done
  podman logs --tail 20 "$container"; fail "postgres not ready after 30 s"
}
pg_query() {  # password, SQL
  podman exec -e PGPASSWORD="$1" "$container" psql -h 127.0.0.1 -U agent_host -d agent_host -Atc "$2"
}
podman run -d --name "$container" --runtime runc --user 999:999 --read-only "${limits[@]}" \
  --tmpfs /tmp:U --tmpfs /run/postgresql:U -v "$work/pg-data:/var/lib/postgresql/data" \
  -v "$work/pg-secret:/etc/agent-host/secrets/db-secret:ro" "$pg_image" >/dev/null
pg_ready
log "postgres ready (initdb on the empty volume)"
[[ "$(pg_query "$pg_password" 'select current_user || '"'/'"' || current_database()')" == agent_host/agent_host ]] ||
  fail "psql as the db-secret's user into database agent_host failed"
pg_query "$pg_password" 'create table kept (v int); insert into kept values (42)' >/dev/null
if pg_query wrong-password 'select 1' >/dev/null 2>&1; then fail "postgres let a wrong password in"; fi
# SIGINT (the image's stop signal): fast shutdown, exit 0, then the same
# volume starts without a new initdb and keeps the row.
podman stop -t 30 "$container" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$container")
[[ "$code" == 0 ]] || { podman logs --tail 20 "$container"; fail "postgres exit code $code after stop (want 0)"; }
podman start "$container" >/dev/null
pg_ready
[[ "$(pg_query "$pg_password" 'select v from kept')" == 42 ]] || fail "postgres lost its data over a restart"
podman rm -f -t 0 "$container" >/dev/null
container=""
log "postgres image: ok"

# --- compose: three roles + Redis ------------------------------------------------
if ! podman image exists "$redis_image"; then
  podman build --pull=never --runtime runc "${limits[@]}" -t "$redis_image" -f "$repo/tests/deploy/redis.Containerfile" \
    "$repo/tests/deploy" >"$work/redis-build.log" 2>&1 || { tail -20 "$work/redis-build.log"; fail "redis image build failed"; }
fi
export AH_IMAGE="$image" AH_REDIS_IMAGE="$redis_image" AH_NOFILE="$nofile"
declare -A port
for role in task-manager workflow reporting; do
  port[$role]=$(free_port)
done
export AH_TASK_MANAGER_PORT=${port[task-manager]} AH_WORKFLOW_PORT=${port[workflow]} AH_REPORTING_PORT=${port[reporting]}
export AH_TASK_MANAGER_METRICS_PORT=$(free_port) AH_WORKFLOW_METRICS_PORT=$(free_port) AH_REPORTING_METRICS_PORT=$(free_port)
log "podman-compose up (project $project)"
touch "$work/compose-up"
(cd "$repo" && podman-compose -p "$project" -f deploy/compose/docker-compose.yaml up -d) >"$work/compose.log" 2>&1 ||
  { tail -30 "$work/compose.log"; fail "podman-compose up failed"; }

service_container() { podman ps --filter "label=io.podman.compose.project=$project" \
  --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -1; }

for role in task-manager workflow reporting; do
  wait_ready "http://127.0.0.1:${port[$role]}/readyz" "compose service $role"
  health=$(http_get "http://127.0.0.1:${port[$role]}/health")
  grep -q '"status":"ok"' <<<"$health" || fail "$role /health not ok: $health"
done

# From inside one role's container to another by the Kubernetes DNS name in
# its config, with bash alone (the image has no curl).
probe() {  # from-service host port request expected
  local from; from=$(service_container "$1")
  [[ -n $from ]] || fail "no container for compose service $1"
  # Into a variable first: `| grep -q` would end the pipe early, and under
  # pipefail podman's SIGPIPE would count as a failure.
  local answer
  answer=$(podman exec "$from" bash -c "exec 3<>/dev/tcp/$2/$3 && printf '$4' >&3 && timeout 5 cat <&3" 2>&1) || true
  grep -q "$5" <<<"$answer" || fail "$1 cannot reach $2:$3; got: ${answer:0:300}"
  log "$1 -> $2:$3 ok"
}
probe reporting task-manager.task-manager.svc.cluster.local 8080 'GET /readyz HTTP/1.0\r\n\r\n' 'HTTP/1.[01] 200'
probe reporting workflow-automation.workflow.svc.cluster.local 8080 'GET /readyz HTTP/1.0\r\n\r\n' 'HTTP/1.[01] 200'
probe task-manager workflow-automation.workflow.svc.cluster.local 8080 'GET /readyz HTTP/1.0\r\n\r\n' 'HTTP/1.[01] 200'
probe workflow task-manager.task-manager.svc.cluster.local 8080 'GET /readyz HTTP/1.0\r\n\r\n' 'HTTP/1.[01] 200'
probe workflow redis.workflow.svc.cluster.local 6379 "AUTH $(cat "$secrets/redis-secret/password")\\r\\nPING\\r\\n" 'PONG'  # NOAUTH without the password
# A peer call made by the host itself: the reporting daily report reads its peers.
reporting=$(service_container reporting)
podman exec "$reporting" agent-host run-job --target http://127.0.0.1:8080 \
  --api-key-file /etc/agent-host/secrets/api-keys/api-keys reporting/daily-report ||
  fail "reporting/daily-report (which calls task-manager and workflow) failed"
log "compose: three roles + Redis answer and reach each other: ok"

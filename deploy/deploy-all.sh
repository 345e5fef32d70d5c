#!/usr/bin/env bash
# Deploys the three Agent Host roles (workflow, task-manager, reporting) to the
# current kubectl context: shared pieces, missing Secrets, then one Helm
# release per role (default) or the Kustomize overlays (--kustomize).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: deploy/deploy-all.sh [--kustomize] [--dry-run] [--image REPO:TAG] [--role ROLE] [--no-monitoring]
                            [--postgres external --postgres-cidr CIDR | --postgres in-cluster]
  --kustomize      apply deploy/k8s/overlays/<role> instead of the Helm chart
  --postgres MODE  PostgreSQL storage (every role scales 1-5) instead of SQLite:
                   external     your database; db-secret from \$AH_DB_HOST, \$AH_DB_USERNAME,
                                \$AH_DB_PASSWORD (optional \$AH_DB_PORT, \$AH_DB_NAME) when missing
                   in-cluster   development: a PostgreSQL StatefulSet in namespace task-manager
                                (image REPO-postgres:TAG of --image); db-secret generated when missing
  --postgres-cidr CIDR  with external: the database's addresses (NetworkPolicy egress on 5432)
  --dry-run        print the rendered manifests (and the commands) without touching the cluster
  --image REF      image to deploy, e.g. registry.example.com/agent-host:0.1.0 (never :latest)
  --role ROLE      only this role (workflow, task-manager, reporting)
  --no-monitoring  leave out ServiceMonitor/PrometheusRule/dashboard (no Prometheus Operator)
Secrets created when missing (never overwritten): api-keys (same keys in every
namespace, from \$AH_API_KEYS_FILE or generated), llm-config (\$AH_LLM_URL,
\$AH_LLM_MODEL), db-secret (the same in every namespace), redis-secret (workflow:
Redis's password, generated). Rollback: see docs/operations.md.
USAGE
}
parse_common_args "$@"

kubectl=$(find_tool kubectl)
helm=""
[[ $mode == helm ]] && helm=$(find_tool helm)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

preflight() {
  $dry_run && return
  "$kubectl" version >/dev/null 2>&1 || die "cannot reach a cluster with kubectl (check 'kubectl config current-context')"
  if $monitoring && ! "$kubectl" get crd servicemonitors.monitoring.coreos.com >/dev/null 2>&1; then
    die "the Prometheus Operator CRDs are missing; install kube-prometheus-stack first, or pass --no-monitoring"
  fi
}

# Namespaces always; alert rules and dashboard with monitoring.
apply_shared() {
  local rendered="$work/shared.yaml"
  if $monitoring; then
    "$kubectl" kustomize "$shared" >"$rendered"
  else
    cp "$shared/namespaces.yaml" "$rendered"
  fi
  if $dry_run; then cat "$rendered"; echo "---"; else "$kubectl" apply -f "$rendered"; fi
}

secret_exists() { "$kubectl" -n "$1" get secret "$2" >/dev/null 2>&1; }

# API keys must be the same in every namespace: the roles call each other with them.
api_keys_file() {
  local file="$work/api-keys"
  [[ -s $file ]] && { echo "$file"; return; }
  if [[ -n "${AH_API_KEYS_FILE:-}" ]]; then
    [[ -s "$AH_API_KEYS_FILE" ]] || die "AH_API_KEYS_FILE=$AH_API_KEYS_FILE is empty or missing"
    cp "$AH_API_KEYS_FILE" "$file"
  else
    local role
    for role in "${all_roles[@]}"; do
      if "$kubectl" -n "$role" get secret api-keys -o jsonpath='{.data.external_api_key}' 2>/dev/null | base64 -d >"$file" && [[ -s $file ]]; then
        echo "$file"; return
      fi
    done
    openssl rand -hex 32 >"$file"
    echo "deploy-all: generated a new API key (kubectl -n workflow get secret api-keys -o jsonpath='{.data.external_api_key}' | base64 -d)" >&2
  fi
  echo "$file"
}

ensure_secrets() {
  local ns=$1
  if $dry_run; then
    echo "# would create, when missing, Secrets db-secret, api-keys, llm-config$([[ $ns == workflow ]] && echo ", redis-secret") in namespace $ns"
    return
  fi
  if ! secret_exists "$ns" api-keys; then
    local webhook="$work/webhook-secret"
    [[ -s $webhook ]] || openssl rand -hex 32 >"$webhook"
    "$kubectl" -n "$ns" create secret generic api-keys \
      --from-file=external_api_key="$(api_keys_file)" --from-file=webhook_secret="$webhook"
  fi
  # Redis and the workflow hosts read the same key: Redis as --requirepass,
  # the hosts as the file redis-secret/password.
  [[ $ns != workflow ]] || secret_exists "$ns" redis-secret ||
    "$kubectl" -n "$ns" create secret generic redis-secret --from-literal=password="$(openssl rand -hex 24)"
  secret_exists "$ns" llm-config ||
    "$kubectl" -n "$ns" create secret generic llm-config \
      --from-literal=ollama_url="${AH_LLM_URL:-http://ollama.llm.svc.cluster.local:11434}" \
      --from-literal=model_name="${AH_LLM_MODEL:-llama3.1:8b}"
  if [[ -z $postgres ]]; then
    # Reserved for a database; SQLite needs no credentials.
    secret_exists "$ns" db-secret ||
      "$kubectl" -n "$ns" create secret generic db-secret --from-literal=username=agent-host \
        --from-literal=password="$(openssl rand -hex 24)" --from-literal=host=""
  elif ! secret_exists "$ns" db-secret; then
    prepare_db_secret
    "$kubectl" -n "$ns" create secret generic db-secret --from-file="$db_secret_dir"
  elif [[ -z "$(secret_key "$ns" db-secret host)" ]]; then
    die "Secret db-secret in namespace $ns has no host (made for SQLite?); delete it to have it made again, or set host, username and password (docs/operations.md, Storage backend)"
  fi
}

secret_key() { "$kubectl" -n "$1" get secret "$2" -o jsonpath="{.data.$3}" 2>/dev/null | base64 -d; }

# The database's credentials as files (key = file name) in $db_secret_dir, the
# same for every namespace: the roles share one database. Taken from another
# namespace's db-secret that has a host, else from the environment (external)
# or made (in-cluster: the StatefulSet initialises itself from this Secret).
# Not called in a $(...): its checks must stop the script.
db_secret_dir=""
prepare_db_secret() {
  [[ -n $db_secret_dir ]] && return
  local dir="$work/db-secret" role key
  mkdir -p "$dir"
  for role in "${all_roles[@]}"; do
    if [[ -n "$(secret_key "$role" db-secret host)" ]]; then
      for key in host username password port database; do
        secret_key "$role" db-secret "$key" >"$dir/$key"
        [[ -s $dir/$key ]] || rm -f "$dir/$key"
      done
      db_secret_dir=$dir
      return
    fi
  done
  if [[ $postgres == external ]]; then
    [[ -n "${AH_DB_HOST:-}" && -n "${AH_DB_USERNAME:-}" && -n "${AH_DB_PASSWORD:-}" ]] ||
      die "--postgres external: db-secret is missing; set AH_DB_HOST, AH_DB_USERNAME and AH_DB_PASSWORD (optional AH_DB_PORT, AH_DB_NAME) or create it (docs/operations.md, db-secret)"
    printf '%s' "$AH_DB_HOST" >"$dir/host"
    printf '%s' "$AH_DB_USERNAME" >"$dir/username"
    printf '%s' "$AH_DB_PASSWORD" >"$dir/password"
    [[ -z "${AH_DB_PORT:-}" ]] || printf '%s' "$AH_DB_PORT" >"$dir/port"
    [[ -z "${AH_DB_NAME:-}" ]] || printf '%s' "$AH_DB_NAME" >"$dir/database"
  else
    printf 'postgres.task-manager.svc.cluster.local' >"$dir/host"
    printf '%s' "${AH_DB_USERNAME:-agent_host}" >"$dir/username"
    if [[ -n "${AH_DB_PASSWORD:-}" ]]; then printf '%s' "$AH_DB_PASSWORD"; else openssl rand -hex 24 | tr -d '\n'; fi >"$dir/password"
  fi
  db_secret_dir=$dir
}

# The image of the in-cluster database: REPO-postgres:TAG beside --image.
postgres_image() { echo "${image%:*}-postgres:${image##*:}"; }

deploy_helm() {
  local role=$1 args=()
  args=(upgrade --install "$role" "$chart" --namespace "$role"
    -f "$chart/values-$role.yaml" --set-file "config=$repo_root/configs/$role.yaml")
  if [[ -n $image ]]; then
    args+=(--set "image.repository=${image%:*}" --set "image.tag=${image##*:}")
  fi
  $monitoring || args+=(--set serviceMonitor.enabled=false)
  if [[ -n $postgres ]]; then
    args+=(-f "$chart/values-postgres.yaml")
    [[ -n $postgres_cidr ]] && args+=(--set "storage.postgres.cidr=$postgres_cidr")
    if [[ $postgres == in-cluster && $role == task-manager ]]; then
      args+=(--set postgresServer.enabled=true)
      if [[ -n $image ]]; then
        local pg_image; pg_image=$(postgres_image)
        args+=(--set "postgresServer.image.repository=${pg_image%:*}" --set "postgresServer.image.tag=${pg_image##*:}")
      fi
    fi
  fi
  if $dry_run; then
    "$helm" template "$role" "$chart" --namespace "$role" "${args[@]:4}"
    echo "---"
  else
    "$helm" "${args[@]}" --wait --timeout 5m
  fi
}

# A throw-away overlay on top of the role's overlay carries the command-line
# choices, so the files under deploy/k8s are never edited.
deploy_kustomize() {
  local role=$1 dir="$work/kustomize-$role"
  mkdir -p "$dir"
  {
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    # Kustomize wants a relative path to another kustomization.
    local in_cluster_db=false
    [[ $postgres == in-cluster && $role == task-manager ]] && in_cluster_db=true
    echo "resources:"
    echo "  - $(realpath --relative-to="$dir" "$(role_overlay "$role")")"
    # The development database lives in the task-manager namespace.
    $in_cluster_db && echo "  - $(realpath --relative-to="$dir" "$overlays/postgres/database")"
    if [[ -n $image ]]; then
      echo "images:"
      echo "  - {name: registry.example.com/agent-host, newName: ${image%:*}, newTag: \"${image##*:}\"}"
      if $in_cluster_db; then
        local pg_image; pg_image=$(postgres_image)
        echo "  - {name: registry.example.com/agent-host-postgres, newName: ${pg_image%:*}, newTag: \"${pg_image##*:}\"}"
      fi
    fi
    if ! $monitoring || [[ -n $postgres_cidr ]]; then
      echo "patches:"
    fi
    if ! $monitoring; then
      echo "  - target: {kind: ServiceMonitor}"
      echo "    patch: '{\"apiVersion\": \"monitoring.coreos.com/v1\", \"kind\": \"ServiceMonitor\", \"metadata\": {\"name\": \"any\"}, \"\$patch\": \"delete\"}'"
    fi
    if [[ -n $postgres_cidr ]]; then
      # The external database instead of the in-cluster one.
      echo "  - target: {kind: NetworkPolicy, name: allow-to-postgres}"
      echo "    patch: '[{\"op\": \"replace\", \"path\": \"/spec/egress/0/to\", \"value\": [{\"ipBlock\": {\"cidr\": \"$postgres_cidr\"}}]}]'"
    fi
  } >"$dir/kustomization.yaml"
  "$kubectl" kustomize "$dir" >"$dir/rendered.yaml"
  if $dry_run; then
    cat "$dir/rendered.yaml"
    echo "---"
  else
    "$kubectl" apply -f "$dir/rendered.yaml"
    "$kubectl" -n "$role" rollout status "deployment/$(service_of "$role")" --timeout 5m
  fi
}

preflight
apply_shared
if [[ $postgres == in-cluster ]]; then
  # The database lives in the task-manager release/overlay: it goes first, so
  # the other roles find it when they start (they are not ready without it).
  ordered=(task-manager)
  for role in "${roles[@]}"; do [[ $role == task-manager ]] || ordered+=("$role"); done
  [[ " ${roles[*]} " == *" task-manager "* ]] || ordered=("${ordered[@]:1}")
  roles=("${ordered[@]}")
fi
for role in "${roles[@]}"; do
  ensure_secrets "$role"
  "deploy_$mode" "$role"
done
$dry_run || echo "deploy-all: ${roles[*]} deployed with $mode. Verify: docs/operations.md#verify"

#!/usr/bin/env bash
# Deploys the three Agent Host roles (workflow, task-manager, reporting) to the
# current kubectl context: shared pieces, missing Secrets, then one Helm
# release per role (default) or the Kustomize overlays (--kustomize).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: deploy/deploy-all.sh [--kustomize] [--dry-run] [--image REPO:TAG] [--role ROLE] [--no-monitoring]
  --kustomize      apply deploy/k8s/overlays/<role> instead of the Helm chart
  --dry-run        print the rendered manifests (and the commands) without touching the cluster
  --image REF      image to deploy, e.g. registry.example.com/agent-host:0.1.0 (never :latest)
  --role ROLE      only this role (workflow, task-manager, reporting)
  --no-monitoring  leave out ServiceMonitor/PrometheusRule/dashboard (no Prometheus Operator)
Secrets created when missing (never overwritten): api-keys (same keys in every
namespace, from \$AH_API_KEYS_FILE or generated), llm-config (\$AH_LLM_URL,
\$AH_LLM_MODEL), db-secret. Rollback: see docs/operations.md.
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
    echo "# would create, when missing, Secrets db-secret, api-keys, llm-config in namespace $ns"
    return
  fi
  if ! secret_exists "$ns" api-keys; then
    local webhook="$work/webhook-secret"
    [[ -s $webhook ]] || openssl rand -hex 32 >"$webhook"
    "$kubectl" -n "$ns" create secret generic api-keys \
      --from-file=external_api_key="$(api_keys_file)" --from-file=webhook_secret="$webhook"
  fi
  secret_exists "$ns" llm-config ||
    "$kubectl" -n "$ns" create secret generic llm-config \
      --from-literal=ollama_url="${AH_LLM_URL:-http://ollama.llm.svc.cluster.local:11434}" \
      --from-literal=model_name="${AH_LLM_MODEL:-llama3.1:8b}"
  # Reserved for an external database; SQLite needs no credentials.
  secret_exists "$ns" db-secret ||
    "$kubectl" -n "$ns" create secret generic db-secret --from-literal=username=agent-host \
      --from-literal=password="$(openssl rand -hex 24)" --from-literal=host=""
}

deploy_helm() {
  local role=$1 args=()
  args=(upgrade --install "$role" "$chart" --namespace "$role"
    -f "$chart/values-$role.yaml" --set-file "config=$repo_root/configs/$role.yaml")
  if [[ -n $image ]]; then
    args+=(--set "image.repository=${image%:*}" --set "image.tag=${image##*:}")
  fi
  $monitoring || args+=(--set serviceMonitor.enabled=false)
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
    echo "resources: [$(realpath --relative-to="$dir" "$overlays/$role")]"
    if [[ -n $image ]]; then
      echo "images: [{name: registry.example.com/agent-host, newName: ${image%:*}, newTag: \"${image##*:}\"}]"
    fi
    if ! $monitoring; then
      echo "patches:"
      echo "  - target: {kind: ServiceMonitor}"
      echo "    patch: '{\"apiVersion\": \"monitoring.coreos.com/v1\", \"kind\": \"ServiceMonitor\", \"metadata\": {\"name\": \"any\"}, \"\$patch\": \"delete\"}'"
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
for role in "${roles[@]}"; do
  ensure_secrets "$role"
  "deploy_$mode" "$role"
done
$dry_run || echo "deploy-all: ${roles[*]} deployed with $mode. Verify: docs/operations.md#verify"

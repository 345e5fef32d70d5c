#!/usr/bin/env bash
# Removes the three Agent Host roles from the current kubectl context.
# Keeps the namespaces, Secrets and volumes (the data) unless --purge.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: deploy/undeploy-all.sh [--kustomize [--postgres MODE]] [--dry-run] [--role ROLE] [--purge]
  --kustomize  remove what deploy-all.sh --kustomize applied (default: the Helm releases)
  --postgres MODE  it was deployed with --postgres (external|in-cluster); with --kustomize
               in-cluster also removes the development database (its volume stays)
  --dry-run    print the commands without running them
  --role ROLE  only this role (workflow, task-manager, reporting)
  --purge      also delete the namespaces: Secrets and PersistentVolumeClaims (ALL DATA) go too
USAGE
}
parse_common_args "$@"

kubectl=$(find_tool kubectl)
helm=""
[[ $mode == helm ]] && helm=$(find_tool helm)

# Reverse of the deploy order: callers first.
for ((i = ${#roles[@]} - 1; i >= 0; i--)); do
  role=${roles[i]}
  if [[ $mode == helm ]]; then
    run "$helm" uninstall "$role" --namespace "$role" --ignore-not-found --wait
  else
    # Everything the overlay made except the PersistentVolumeClaims (the data).
    rendered=$("$kubectl" kustomize "$(role_overlay "$role")")
    if [[ $postgres == in-cluster && $role == task-manager ]]; then
      # The development database beside it (its volume stays, as the others').
      rendered+=$'\n---\n'$("$kubectl" kustomize "$overlays/postgres/database")
    fi
    if $dry_run; then
      echo "+ kubectl delete --ignore-not-found -f - <<< (kubectl kustomize $(role_overlay "$role")$([[ $postgres == in-cluster && $role == task-manager ]] && echo " and $overlays/postgres/database") without PersistentVolumeClaims)"
    else
      python3 -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(sys.stdin) if d and d.get("kind") != "PersistentVolumeClaim"]
yaml.safe_dump_all(docs, sys.stdout)' <<<"$rendered" | "$kubectl" delete --ignore-not-found -f -
    fi
  fi
  if $purge; then
    run "$kubectl" delete namespace "$role" --ignore-not-found
  fi
done
if $purge && ((${#roles[@]} == ${#all_roles[@]})); then
  run "$kubectl" delete --ignore-not-found prometheusrule/agent-host-alerts configmap/agent-host-dashboard -n monitoring
fi
$dry_run || echo "undeploy-all: done (volumes and Secrets $($purge && echo deleted || echo kept))"

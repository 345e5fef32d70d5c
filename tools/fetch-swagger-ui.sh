#!/usr/bin/env bash
# fetch-swagger-ui.sh [DEST]
#
# Fetches npm's swagger-ui-dist (the pinned version below) with `npm pack` -
# no global install, no node_modules - and unpacks it into DEST (default:
# build/_deps/swagger-ui-dist in this checkout, where CMake also looks). CMake
# runs this at configure time; run it by hand after a failed (offline) fetch,
# then re-run cmake. Idempotent: does nothing when DEST already holds the version.
set -euo pipefail

version=${SWAGGER_UI_VERSION:-5.35.0}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$repo_root/build/_deps/swagger-ui-dist}

if [[ -f $dest/swagger-ui-bundle.js ]] && grep -q "\"version\": \"$version\"" "$dest/package.json" 2>/dev/null; then
  echo "fetch-swagger-ui: swagger-ui-dist $version already in $dest"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-swagger-ui: npm is not installed; install it (apt-get install npm, or tools/install-deps.sh)" >&2
  exit 1
fi

mkdir -p "$(dirname "$dest")"
scratch=$(mktemp -d "$(dirname "$dest")/.swagger-ui-fetch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Short retries: an unreachable registry should fail in seconds, not minutes.
if ! (cd "$scratch" && npm pack "swagger-ui-dist@$version" --silent --fetch-retries=1 \
  --fetch-timeout=20000 --pack-destination "$scratch" >/dev/null 2>"$scratch/npm.log"); then
  echo "fetch-swagger-ui: npm pack swagger-ui-dist@$version failed (is the npm registry reachable?):" >&2
  grep -v 'Unknown user config' "$scratch/npm.log" | tail -n 5 >&2 || true
  exit 1
fi
tar -xzf "$scratch/swagger-ui-dist-$version.tgz" -C "$scratch"
[[ -f $scratch/package/swagger-ui-bundle.js ]] || {
  echo "fetch-swagger-ui: the package has no swagger-ui-bundle.js" >&2
  exit 1
}
rm -rf "$dest"
mv "$scratch/package" "$dest"
echo "fetch-swagger-ui: swagger-ui-dist $version unpacked into $dest"

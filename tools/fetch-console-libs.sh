#!/usr/bin/env bash
# fetch-console-libs.sh [DEST]
#
# Fetches the web console's browser libraries (plugins/console) from npm at
# the pinned versions below, with `npm pack` - no global install, no
# node_modules, no bundler - and copies the few files the console serves into
# DEST (default: build/_deps/console-libs in this checkout, where CMake also
# looks). CMake runs this at configure time and embeds the files into the
# console plugin, so nothing is fetched at run time and no CDN is involved.
# Idempotent: does nothing when DEST already holds these versions.
#
# Preact 10, not 11: 11 ships ES modules only, whose bare `import "preact"`
# needs an import map - an inline script the console's CSP forbids. 10's UMD
# files load as plain <script src> files.
set -euo pipefail

preact=${CONSOLE_PREACT_VERSION:-10.29.8}
htm=${CONSOLE_HTM_VERSION:-3.1.1}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=$(realpath -m "${1:-$repo_root/build/_deps/console-libs}")  # npm pack runs elsewhere
stamp="preact $preact htm $htm"

if [[ -f $dest/VERSIONS ]] && [[ $(cat "$dest/VERSIONS") == "$stamp" ]]; then
  echo "fetch-console-libs: $stamp already in $dest"
  exit 0
fi
source "$repo_root/tools/npm-pinned.sh"
npm_require fetch-console-libs

mkdir -p "$(dirname "$dest")"
scratch=$(mktemp -d "$(dirname "$dest")/.console-libs-fetch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

for package in "preact@$preact" "htm@$htm"; do
  # Short retries: an unreachable registry should fail in seconds, not minutes.
  if ! (cd "$scratch" && npm pack "$package" --silent --fetch-retries=1 \
    --fetch-timeout=20000 --pack-destination "$scratch" >/dev/null 2>"$scratch/npm.log"); then
    echo "fetch-console-libs: npm pack $package failed (is the npm registry reachable?):" >&2
    grep -v 'Unknown user config' "$scratch/npm.log" | tail -n 5 >&2 || true
    exit 1
  fi
done
mkdir -p "$scratch/preact" "$scratch/htm" "$scratch/out"
tar -xzf "$scratch/preact-$preact.tgz" -C "$scratch/preact"
tar -xzf "$scratch/htm-$htm.tgz" -C "$scratch/htm"
cp "$scratch/preact/package/dist/preact.umd.js" "$scratch/out/preact.umd.js"
cp "$scratch/preact/package/hooks/dist/hooks.umd.js" "$scratch/out/preact-hooks.umd.js"
cp "$scratch/preact/package/LICENSE" "$scratch/out/preact.LICENSE"
cp "$scratch/htm/package/dist/htm.umd.js" "$scratch/out/htm.umd.js"
cp "$scratch/htm/package/LICENSE" "$scratch/out/htm.LICENSE"
echo "$stamp" >"$scratch/out/VERSIONS"
rm -rf "$dest"
mv "$scratch/out" "$dest"
echo "fetch-console-libs: $stamp unpacked into $dest"

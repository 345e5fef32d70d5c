#!/usr/bin/env bash
# fetch-browser-test-tools.sh [DEST]
#
# Installs what the console's browser test drives Chromium with, at the pinned
# versions below, with npm into DEST (default: build/_deps/browser-test-tools
# in this checkout) - no global install: DEST/node_modules/puppeteer-core and
# DEST/node_modules/axe-core. puppeteer-core downloads no browser: the test
# runs Debian's /usr/bin/chromium (tools/install-deps.sh --test). CTest runs
# this once before the test (fixture browser_test_tools). Idempotent.
set -euo pipefail

# puppeteer-core 24: 25 needs Node.js 22.12, Debian 12's nodejs is 18.19.
puppeteer=${PUPPETEER_CORE_VERSION:-24.43.1}
axe=${AXE_CORE_VERSION:-4.11.0}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=$(realpath -m "${1:-$repo_root/build/_deps/browser-test-tools}")  # the npm call runs elsewhere

installed() {  # installed PACKAGE VERSION
  grep -q "\"version\": \"$2\"" "$dest/node_modules/$1/package.json" 2>/dev/null
}
if installed puppeteer-core "$puppeteer" && installed axe-core "$axe"; then
  echo "fetch-browser-test-tools: puppeteer-core $puppeteer and axe-core $axe already in $dest"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-browser-test-tools: npm is not installed; install it (apt-get install npm, or tools/install-deps.sh)" >&2
  exit 1
fi

mkdir -p "$dest"
# Short retries: an unreachable registry should fail in a minute, not ten.
if ! (cd "$dest" && npm install --prefix "$dest" --no-audit --no-fund --no-save --silent \
  --fetch-retries=1 --fetch-timeout=30000 \
  "puppeteer-core@$puppeteer" "axe-core@$axe" >"$dest/npm.log" 2>&1); then
  echo "fetch-browser-test-tools: npm install failed (is the npm registry reachable?):" >&2
  grep -v 'Unknown user config' "$dest/npm.log" | tail -n 5 >&2 || true
  exit 1
fi
echo "fetch-browser-test-tools: puppeteer-core $puppeteer and axe-core $axe installed in $dest"

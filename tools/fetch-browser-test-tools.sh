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

source "$repo_root/tools/npm-pinned.sh"
npm_install_pinned fetch-browser-test-tools "$dest" "puppeteer-core@$puppeteer" "axe-core@$axe"

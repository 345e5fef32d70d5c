#!/usr/bin/env bash
# fetch-openapi-checkers.sh [DEST]
#
# Installs the two OpenAPI checkers the suite runs on /openapi.json, at the
# pinned versions below, with npm into DEST (default: build/_deps/openapi-checkers
# in this checkout) - no global install: DEST/node_modules/.bin/swagger-cli and
# DEST/node_modules/.bin/redocly. CTest runs this once before the OpenAPI test
# (fixture openapi_checkers). Idempotent: does nothing when DEST already holds
# both versions.
set -euo pipefail

# Redocly 1.34: 2.x needs Node.js 20.19 or later, and Debian 12's nodejs is
# 18.19. Both versions give the same verdict on /openapi.json.
swagger_cli=${SWAGGER_CLI_VERSION:-4.0.4}
redocly_cli=${REDOCLY_CLI_VERSION:-1.34.5}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$repo_root/build/_deps/openapi-checkers}

installed() {  # installed PACKAGE VERSION
  grep -q "\"version\": \"$2\"" "$dest/node_modules/$1/package.json" 2>/dev/null
}
if installed @apidevtools/swagger-cli "$swagger_cli" && installed @redocly/cli "$redocly_cli"; then
  echo "fetch-openapi-checkers: swagger-cli $swagger_cli and redocly $redocly_cli already in $dest"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-openapi-checkers: npm is not installed; install it (apt-get install npm, or tools/install-deps.sh)" >&2
  exit 1
fi

mkdir -p "$dest"
# Short retries: an unreachable registry should fail in a minute, not ten.
if ! (cd "$dest" && npm install --prefix "$dest" --no-audit --no-fund --no-save --silent \
  --fetch-retries=1 --fetch-timeout=30000 \
  "@apidevtools/swagger-cli@$swagger_cli" "@redocly/cli@$redocly_cli" >"$dest/npm.log" 2>&1); then
  echo "fetch-openapi-checkers: npm install failed (is the npm registry reachable?):" >&2
  grep -v 'Unknown user config' "$dest/npm.log" | tail -n 5 >&2 || true
  exit 1
fi
echo "fetch-openapi-checkers: swagger-cli $swagger_cli and redocly $redocly_cli installed in $dest"

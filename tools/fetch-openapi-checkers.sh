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

source "$repo_root/tools/npm-pinned.sh"
npm_install_pinned fetch-openapi-checkers "$dest" "@apidevtools/swagger-cli@$swagger_cli" "@redocly/cli@$redocly_cli"

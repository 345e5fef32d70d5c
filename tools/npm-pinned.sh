# Sourced by the tools/fetch-*.sh scripts: npm packages at pinned versions,
# installed into a folder of the build (never globally), idempotently.

# npm_require WHO: fails naming the fix when npm is missing.
npm_require() {
  if ! command -v npm >/dev/null; then
    echo "$1: npm is not installed; install it (apt-get install npm, or tools/install-deps.sh)" >&2
    exit 1
  fi
}

# npm_install_pinned WHO DEST PACKAGE@VERSION...: installs into DEST/node_modules
# unless every package is there at its version already.
npm_install_pinned() {
  local who=$1 dest=$2 spec missing=0
  shift 2
  for spec in "$@"; do
    grep -q "\"version\": \"${spec##*@}\"" "$dest/node_modules/${spec%@*}/package.json" 2>/dev/null ||
      missing=1
  done
  if ((!missing)); then
    echo "$who: $* already in $dest"
    return 0
  fi
  npm_require "$who"
  mkdir -p "$dest"
  # Short retries: an unreachable registry should fail in a minute, not ten.
  if ! (cd "$dest" && npm install --prefix "$dest" --no-audit --no-fund --no-save --silent \
    --fetch-retries=1 --fetch-timeout=30000 "$@" >"$dest/npm.log" 2>&1); then
    echo "$who: npm install failed (is the npm registry reachable?):" >&2
    grep -v 'Unknown user config' "$dest/npm.log" | tail -n 5 >&2 || true
    exit 1
  fi
  echo "$who: $* installed in $dest"
}

#!/usr/bin/env bash
# The Debian packages as a plugin author gets them. Takes the .debs from the
# image's build stage (the README's `cmake --workflow --preset package`),
# checks both with lintian (errors and warnings fail), then in a fresh Debian 12 container installs them
# with apt and, as an ordinary user, scaffolds a plugin, builds it, runs its
# tests and serves it from the installed host. Prints each step's seconds:
# the issue's goal is a new plugin answering within 5 minutes on 2 cores.
#
#   package_test.sh BUILD_STAGE_IMAGE BASE_IMAGE WORK_DIR [podman run options...]
set -euo pipefail
stage=$1 base=$2 work=$3
shift 3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "package-test [$((SECONDS / 60))m$((SECONDS % 60))s]: $*"; }
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }

debs=$work/debs
mkdir -p "$debs"
cid=$(podman create "$stage" true)
podman cp "$cid:/src/build/package/packages/." "$debs/" || { podman rm "$cid" >/dev/null; fail "the build stage has no build/package/packages"; }
podman rm "$cid" >/dev/null
host_deb=$(ls "$debs"/agent-host_*.deb 2>/dev/null | head -1)
sdk_deb=$(ls "$debs"/agent-host-sdk_*.deb 2>/dev/null | head -1)
[[ -n $host_deb && -n $sdk_deb ]] || fail "expected agent-host and agent-host-sdk .debs, got: $(ls "$debs")"
log "packages: $(basename "$host_deb") $(du -k "$host_deb" | cut -f1) KiB, $(basename "$sdk_deb") $(du -k "$sdk_deb" | cut -f1) KiB"

command -v lintian >/dev/null || "$here/../../tools/install-deps.sh" --test
log "lintian"
lintian --fail-on error,warning --info --show-overrides "$host_deb" "$sdk_deb" | tee "$work/lintian.txt" ||
  fail "lintian reports errors or warnings (above)"

log "fresh Debian 12 container: apt install both packages, scaffold, build, test, serve"
podman run --rm "$@" -v "$debs:/debs:ro" -v "$here/package_author.sh:/package_author.sh:ro" \
  "$base" bash /package_author.sh 2>&1 | tee "$work/author.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || fail "the plugin author's steps failed (above)"
grep -E '^author: (step|total)' "$work/author.txt" || true

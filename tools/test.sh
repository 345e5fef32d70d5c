#!/usr/bin/env bash
# Builds everything and runs the whole test suite: unit, integration (real
# host, real plugin files, real HTTP, real SQLite, redis-server and PostgreSQL
# started by the tests), the store and plugin suites again on PostgreSQL
# (label postgres), and deployment checks, then every libFuzzer harness for a
# short bounded time (the fuzz preset: clang, ASan + UBSan).
#   tools/test.sh            the suite
#   tools/test.sh --image    also build and run the container image (podman)
#   tools/test.sh --asan     the suite under AddressSanitizer + UBSan instead
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

preset=debug
labels='unit|integration|deploy|postgres'
image=0
for arg in "$@"; do
  case "$arg" in
    --asan) preset=asan ;;
    --image) image=1 ;;
    *) echo "tools/test.sh: unknown option $arg (use --image or --asan)" >&2; exit 2 ;;
  esac
done

install_flags=(--test)
((image)) && install_flags+=(--image)
tools/install-deps.sh "${install_flags[@]}"

# A missing dependency must fail here, loudly, not turn into skipped tests.
cmake --preset "$preset"
cmake --build --preset "$preset"

jobs=$(nproc)
ctest --preset "$preset" -L "$labels" -j "$jobs" --timeout 600
if ((image)); then
  ctest --preset "$preset" -L image --timeout 3600
fi

# Fuzzing, bounded: each harness runs AH_FUZZ_SECONDS on its seed corpus. A
# crash, leak, timeout or out-of-memory input fails its test, and libFuzzer's
# "Test unit written to" line names the reproducer under build/fuzz/tests/fuzz/crashes/.
cmake --preset fuzz -DAH_FUZZ_SECONDS="${AH_FUZZ_SECONDS:-15}"
cmake --build --preset fuzz
ctest --preset fuzz -j "$jobs" --timeout 600

#!/usr/bin/env bash
# Builds a Release tree and runs the reporting benchmark: a weekly report over
# 100k tasks and 20k workflow runs, all-in-one vs three processes over loopback.
#   tests/bench/reporting/run.sh [--tasks N] [--runs N] [--repeat N] [--trend-periods N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${BUILD_DIR:-$root/build/bench-reporting}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" reporting_bench agent-host reporting task-manager workflow
"$build/bin/reporting_bench" --json "$build/reporting-bench.json" "$@"

#!/usr/bin/env bash
# Builds a Release tree and runs the reporting benchmark: a weekly report over
# 100k tasks and 20k workflow runs, all-in-one vs three processes over loopback.
#   tests/bench/reporting/run.sh [--tasks N] [--runs N] [--repeat N] [--trend-periods N]
# BUILD_DIR=<tree> uses another build tree; NO_BUILD=1 skips building it (for a
# tree built with other options, e.g. nice -n 5 ninja -j2 by hand).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${BUILD_DIR:-$root/build/bench-reporting}
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$build" reporting_bench agent-host reporting task-manager workflow
fi
# The machine is shared: the load average says how much the figures are depressed.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  ($(date -u +%FT%TZ), $(nproc) cores)"
"$build/bin/reporting_bench" --json "$build/reporting-bench.json" "$@"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

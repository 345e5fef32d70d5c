#!/usr/bin/env bash
# The long fuzz run that docs/testing.md reports: every harness of the fuzz
# preset in turn, one at a time and niced (the machine is shared), each for
# SECONDS (default 180) or 10 million executions, whichever comes first.
# Inputs it finds go to build/fuzz/long/<harness>/, crashes to
# build/fuzz/long/crashes/<harness>/; the seed corpus is only read. Prints
# one table row per harness: executions, coverage, features, corpus, crashes.
#   tools/fuzz-long.sh [SECONDS] [HARNESS...]
# AH_FUZZ_BUILD names another build folder of the fuzz preset (default build/fuzz);
# AH_FUZZ_TIMEOUT the seconds after which one input counts as a hang (default
# 10; a loaded machine with the run niced may need more: the alarm is wall-clock).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

seconds=${1:-180}
shift || true
build=${AH_FUZZ_BUILD:-build/fuzz}
bin=$build/bin
out=$build/long
harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for corpus in tests/fuzz/corpus/*/; do harnesses+=("$(basename "$corpus")"); done
fi

echo "| harness | seconds | executions | exec/s | coverage (cov) | features (ft) | corpus | crashes |"
echo "|---|---|---|---|---|---|---|---|"
status=0
for name in "${harnesses[@]}"; do
  mkdir -p "$out/$name" "$out/crashes/$name"
  log="$out/$name.log"
  rc=0
  nice -n 10 "$bin/fuzz_$name" -max_total_time="$seconds" -runs=10000000 -timeout="${AH_FUZZ_TIMEOUT:-10}" \
    -rss_limit_mb=2048 -artifact_prefix="$out/crashes/$name/" -print_final_stats=1 \
    "$out/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1 || rc=$?
  # libFuzzer's last status line ("#N DONE cov: C ft: F corp: K/..") and its final stats.
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  took=$(awk -v r="${runs:-0}" -v s="${rate:-0}" 'BEGIN { if (s > 0) printf "%d", r / s; else print "?" }')
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
  crashes=$(find "$out/crashes/$name" -type f | wc -l)
  echo "| $name | $took | ${runs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $crashes |"
  if ((rc != 0)); then
    echo "  $name failed (exit $rc): see $log; reproducer(s): $(find "$out/crashes/$name" -type f | tr '\n' ' ')"
    status=1
  fi
done
exit $status

#!/usr/bin/env bash
# Grows the checked-in seed corpus tests/fuzz/corpus/<harness>/ by the inputs
# a long run (tools/fuzz-long.sh) found in build/fuzz/long/<harness>/, with
# libFuzzer's -merge=1: an input is copied only when it adds coverage
# (features) that the corpus does not have yet, so the corpus stays small.
# Nothing is removed. Prints each harness's files and size afterwards.
#   tools/fuzz-merge-corpus.sh [HARNESS...]     (default: every harness)
# AH_FUZZ_BUILD names another build folder of the fuzz preset (default build/fuzz).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

build=${AH_FUZZ_BUILD:-build/fuzz}
harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for corpus in tests/fuzz/corpus/*/; do harnesses+=("$(basename "$corpus")"); done
fi

for name in "${harnesses[@]}"; do
  found=$build/long/$name
  if [[ ! -d $found ]] || [[ -z $(ls -A "$found") ]]; then
    echo "$name: nothing found in $found (run tools/fuzz-long.sh first)"
    continue
  fi
  log=$build/long/$name.merge.log
  nice -n 10 "$build/bin/fuzz_$name" -merge=1 -timeout=10 -rss_limit_mb=2048 \
    "tests/fuzz/corpus/$name" "$found" >"$log" 2>&1 || {
    echo "$name: merge failed, see $log"
    exit 1
  }
  files=$(find "tests/fuzz/corpus/$name" -type f | wc -l)
  bytes=$(find "tests/fuzz/corpus/$name" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  echo "$name: $(grep -o 'MERGE-OUTER: [0-9]* new files[^;]*' "$log" | tail -1); now $files files, $bytes bytes"
done

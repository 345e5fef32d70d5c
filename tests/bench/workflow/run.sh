#!/usr/bin/env bash
# Workflow throughput, side by side in one run: 3-step no-op runs completed per
# second with the in-process queue, with Redis, and redis-benchmark's raw XADD
# rate on the same redis-server for scale.
#   tests/bench/workflow/run.sh [build-dir] [runs]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
build="${1:-$root/build/release}"
runs="${2:-20000}"
bench="$build/bin/workflow_bench"
[[ -x "$bench" ]] || { echo "missing $bench: cmake --build $build --target workflow_bench" >&2; exit 1; }

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
dir="$(mktemp -d)"
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize no \
  --logfile "$dir/redis.log" &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null; wait $redis_pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "== load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== in-process queue (SQLite store)"
in_process="$("$bench" --runs "$runs" | grep '"mode"')"
echo "$in_process"
echo "== Redis stream queue (redis-server 127.0.0.1:$port)"
with_redis="$("$bench" --runs "$runs" --redis-url "redis://127.0.0.1:$port" | grep '"mode"')"
echo "$with_redis"
# redis-benchmark 7.0 has no built-in xadd test (-t xadd runs nothing): give the command.
echo "== redis-benchmark XADD (same server, 50 clients)"
xadd_line="$(redis-benchmark -p "$port" -n 100000 -q XADD bench:raw '*' field value | tr '\r' '\n' | grep 'requests per second' | tail -1)"
echo "$xadd_line"
xadd="$(echo "$xadd_line" | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/')"

python3 - "$in_process" "$with_redis" "$xadd" <<'PY'
import json, sys
local, redis, xadd = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
print()
print("| case | runs/s | target | ratio | CPU per run (bench process, user+sys) |")
print("|---|---|---|---|---|")
print(f"| in-process queue, 3-step no-op | {local['runs_per_second']:.0f} | >= 10000 | {local['runs_per_second']/10000:.2f}x target | {local['cpu_us_per_run']:.0f} us |")
print(f"| Redis stream queue, 3-step no-op | {redis['runs_per_second']:.0f} | >= 0.1 x XADD = {0.1*xadd:.0f} | {redis['runs_per_second']/xadd:.3f} x XADD | {redis['cpu_us_per_run']:.0f} us (+ redis-server) |")
print(f"| redis-benchmark XADD (raw) | {xadd:.0f} | | 1.000 | |")
PY

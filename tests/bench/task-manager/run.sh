#!/usr/bin/env bash
# Task Manager benchmark, side by side in one run on the same disk:
#   1. raw SQLite single-row autocommit inserts (WAL, synchronous=NORMAL), one connection;
#   2. durable task creates over HTTP: POST /task/tasks through the real agent-host
#      (wrk, keep-alive, several connections); each create is one transaction
#      (task row + outbox event) acknowledged only after commit;
#      1 and 2 alternate for --rounds rounds, so a noisy neighbour hits both
#      alike; each round gives a ratio and the table shows every one and the median;
#   3. GET /task/tasks?limit=50 with 100k tasks stored: requests/s and p99.
#
#   With --baseline DIR (another build's agent-host and ah-task-manager.so,
#   e.g. the previous commit's), each round also runs 2. with those binaries,
#   and both report the host's CPU time per create: a change side by side.
#
#   tests/bench/task-manager/run.sh [--duration 10s] [--connections 32] [--raw-count 200000]
#                                   [--rounds 3] [--baseline DIR]
# BUILD_DIR overrides the Release build folder (default build/bench-task-manager).
set -euo pipefail
duration=10s
connections=32
raw_count=200000
rounds=3
baseline=""
while (($#)); do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --raw-count) raw_count=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --baseline) baseline=$(cd "$2" && pwd); shift 2 ;;
    *) echo "unknown option $1 (use --duration, --connections, --raw-count, --rounds, --baseline)" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${BUILD_DIR:-$root/build/bench-task-manager}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" agent-host task-manager raw_sqlite_inserts >/dev/null
bin=$build/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/tm-bench.XXXXXX")
host_pid=
cleanup() {
  [[ -n $host_pid ]] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rps() { awk '/Requests\/sec/ {print $2}'; }

# Starts a host on a data folder, from the binaries in $2 (default: this
# build); $base is where it answers.
start_host() {
  local data=$1 host_bin=${2:-$bin} port metrics_port
  [[ -n $host_pid ]] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  port=$(free_port)
  metrics_port=$(free_port)
  cat >"$work/host.json" <<JSON
{
  "service": "task-manager-bench",
  "http": {"port": $port, "threads": 2},
  "metrics": {"port": $metrics_port},
  "log": {"level": "warn", "format": "json"},
  "storage": {"data_dir": "$data", "synchronous": "normal"},
  "scheduler": {"enabled": false},
  "plugin_dirs": ["$host_bin"],
  "peers": {},
  "plugins": {"task-manager": {"enabled": true, "config": {
    "events": {"target": "workflow", "retry_initial_ms": 30000, "retry_max_ms": 60000}}}}
}
JSON
  "$host_bin/agent-host" --config "$work/host.json" >"$work/host.log" 2>&1 &
  host_pid=$!
  base=http://127.0.0.1:$port
  for _ in $(seq 200); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.05; done
  curl -sf "$base/readyz" >/dev/null || { cat "$work/host.log" >&2; exit 1; }
}

# The host's user + system CPU seconds so far.
host_cpu() { awk '{printf "%.2f\n", ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$host_pid/stat"; }

# wrk creates against the running host: prints "creates/s µs-CPU-per-create".
creates() {
  local before after rate non2xx
  before=$(host_cpu)
  wrk -t2 -c"$connections" -d"$duration" -s "$here/create.lua" "$base/task/tasks" >"$work/create.txt"
  after=$(host_cpu)
  rate=$(rps <"$work/create.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/create.txt")
  if [[ -n $non2xx ]]; then
    echo "creates answered $non2xx non-2xx responses; see $work/host.log" >&2
    exit 1
  fi
  local seconds=${duration%s}
  python3 -c "r = float($rate); print(f'{r:.0f} {1e6 * ($after - $before) / (r * $seconds):.0f}')"
}

raws=() creates=() ratios=() cpus=() olds=() old_cpus=() gains=()
for round in $(seq "$rounds"); do
  echo "== round $round: raw SQLite, $raw_count single-row autocommit inserts" >&2
  rm -f "$work"/raw.db*
  raw=$("$bin/raw_sqlite_inserts" "$work/raw.db" "$raw_count")
  echo "== round $round: creates, wrk -t2 -c$connections -d$duration POST /task/tasks" >&2
  start_host "$work/create-data"
  measured=$(creates)
  read -r create cpu <<<"$measured"
  if [[ -n $baseline ]]; then
    echo "== round $round: creates through the baseline ($baseline)" >&2
    start_host "$work/baseline-data" "$baseline"
    measured=$(creates)
    read -r old old_cpu <<<"$measured"
    olds+=("$old") old_cpus+=("$old_cpu")
    gains+=("$(python3 -c "print(f'{$create/$old:.2f}')")")
  fi
  raws+=("$raw") creates+=("$create") cpus+=("$cpu")
  ratios+=("$(python3 -c "print(f'{float($create)/float($raw):.2f}')")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
# The list runs on exactly 100k tasks, in a database of its own.
start_host "$work/list-data"
echo "== seeding to 100k tasks" >&2
python3 - "$base" <<'PY'
import json, sys, urllib.request
base, have = sys.argv[1], 0
statuses = ["todo", "in_progress", "blocked"]
i = have
while i < 100000:
    n = min(1000, 100000 - i)
    items = [{"title": f"seed {i+k}", "assignee": f"user{(i+k) % 50}",
              "status": statuses[(i+k) % 3], "tags": ["seed"]} for k in range(n)]
    req = urllib.request.Request(base + "/task/tasks/bulk", json.dumps({"create": items}).encode(),
                                 {"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
    i += n
PY

echo "== list: wrk -t2 -c$connections -d$duration GET /task/tasks?limit=50" >&2
wrk -t2 -c"$connections" -d"$duration" --latency -H "Connection: keep-alive" \
  "$base/task/tasks?limit=50" >"$work/list.txt"
list=$(rps <"$work/list.txt")
p99=$(awk '$1 == "99%" {print $2}' "$work/list.txt")

cat <<TABLE
| case | result |
|---|---|
| raw SQLite single-row autocommit inserts (WAL, NORMAL), per round | ${raws[*]} inserts/s |
| POST /task/tasks over HTTP (wrk -t2 -c$connections, keep-alive), per round | ${creates[*]} creates/s (non-2xx: 0); host CPU ${cpus[*]} µs per create |
| ratio creates / raw inserts per round (target >= 0.4) | ${ratios[*]} (median $(median "${ratios[@]}")) |
| GET /task/tasks?limit=50 with 100k tasks | $list req/s, p99 $p99 |
TABLE
if [[ -n $baseline ]]; then
  cat <<TABLE
| POST /task/tasks through the baseline build, per round | ${olds[*]} creates/s; host CPU ${old_cpus[*]} µs per create |
| ratio creates / baseline creates per round | ${gains[*]} (median $(median "${gains[@]}")) |
TABLE
fi

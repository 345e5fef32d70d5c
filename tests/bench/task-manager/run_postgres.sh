#!/usr/bin/env bash
# Task Manager on PostgreSQL, side by side in one run on one server (started
# here on loopback, Debian's postgresql-15, fsync on):
#   1. raw libpq single-row autocommit INSERTs of a task-shaped row, with as
#      many connections as wrk has (the same concurrency);
#   2. durable task creates over HTTP through one agent-host on PostgreSQL;
#   3. the same load spread over three agent-host replicas on the same schema;
#      1, 2 and 3 alternate for --rounds rounds; each round gives the ratios.
#   With --baseline DIR (a folder holding another build's agent-host and
#   ah-task-manager.so, e.g. the previous commit's), each round also runs
#   cases 2 and 3 with those binaries: a change measured side by side in one run.
#   With --host-cpu CORES (e.g. 0.25), every host runs in a CPU cgroup of its
#   own capped at CORES, as the kubelet enforces a pod's CPU limit (CFS
#   quota): replicas then scale as pods that each hit their limit do, not as
#   processes sharing this machine's cores. Needs a writable cgroup cpu
#   controller (v1 or v2; root).
#
#   tests/bench/task-manager/run_postgres.sh [--duration 10] [--connections 32] [--rounds 3]
#                                            [--baseline DIR] [--host-cpu CORES]
# BUILD_DIR overrides the Release build folder (default build/bench-task-manager).
set -euo pipefail
duration=10
connections=32
rounds=3
baseline=""
host_cpu=""
while (($#)); do
  case $1 in
    --duration) duration=${2%s}; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --baseline) baseline=$(cd "$2" && pwd); shift 2 ;;
    --host-cpu) host_cpu=$2; shift 2 ;;
    *) echo "unknown option $1 (use --duration, --connections, --rounds, --baseline, --host-cpu)" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${BUILD_DIR:-$root/build/bench-task-manager}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" agent-host task-manager raw_postgres_inserts >/dev/null
bin=$build/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/tm-pg-bench.XXXXXX")
chmod 755 "$work"
pids=()
cgroups=()
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for group in "${cgroups[@]}"; do rmdir "$group" 2>/dev/null || true; done
  "$root/tests/support/postgres.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
server=$("$root/tests/support/postgres.sh" start "$work/pg" "$pg_port")
psql -q "$server" -c "CREATE DATABASE bench" >/dev/null
url=${server%/postgres}/bench
# The baseline build writes a database of its own: its migrations may be
# older than this build's, which refuses a schema it does not know.
if [[ -n $baseline ]]; then
  psql -q "$server" -c "CREATE DATABASE bench_baseline" >/dev/null
  baseline_url=${server%/postgres}/bench_baseline
fi
rps() { awk '/Requests\/sec/ {print $2}'; }

# --host-cpu: one cgroup per host slot, capped at $host_cpu cores per 100 ms
# period (cgroup v2's cpu.max, else v1's cfs quota), under $cgroup_root.
cap_cpu() {
  local pid=$1 group=$cgroup_root/ah-bench-$$-$2 quota
  quota=$(python3 -c "print(int(float('$host_cpu') * 100000))")
  mkdir -p "$group"
  if [[ $cgroup_root == /sys/fs/cgroup ]]; then
    echo "$quota 100000" >"$group/cpu.max"
  else
    echo 100000 >"$group/cpu.cfs_period_us" && echo "$quota" >"$group/cpu.cfs_quota_us"
  fi
  echo "$pid" >"$group/cgroup.procs"
  [[ " ${cgroups[*]} " == *" $group "* ]] || cgroups+=("$group")
}
if [[ -n $host_cpu ]]; then
  cgroup_root=/sys/fs/cgroup/cpu
  grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null && cgroup_root=/sys/fs/cgroup
  mkdir "$cgroup_root/ah-bench-$$-probe" 2>/dev/null && rmdir "$cgroup_root/ah-bench-$$-probe" || {
    echo "--host-cpu needs a writable cgroup cpu controller (cgroup v2 with cpu enabled, or v1's /sys/fs/cgroup/cpu) and root" >&2
    exit 2
  }
fi

# Starts `count` hosts on the same schema, from the binaries in $2 (default:
# this build) on the database $3 (default: $url); $bases lists where they answer.
start_hosts() {
  local count=$1 host_bin=${2:-$bin} database=${3:-$url} i port metrics_port
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  pids=() bases=()
  for i in $(seq "$count"); do
    port=$(free_port); metrics_port=$(free_port)
    cat >"$work/host$i.json" <<JSON
{
  "service": "task-manager-bench",
  "http": {"port": $port, "threads": 2},
  "metrics": {"port": $metrics_port},
  "log": {"level": "warn", "format": "json"},
  "storage": {"backend": "postgres", "postgres": {"url": "$database", "pool_size": 4}},
  "scheduler": {"enabled": false},
  "plugin_dirs": ["$host_bin"],
  "peers": {},
  "plugins": {"task-manager": {"enabled": true, "config": {
    "events": {"target": "workflow", "retry_initial_ms": 30000, "retry_max_ms": 60000}}}}
}
JSON
    "$host_bin/agent-host" --config "$work/host$i.json" >"$work/host$i.log" 2>&1 &
    pids+=($!)
    [[ -z $host_cpu ]] || cap_cpu "$!" "$i"
    bases+=("http://127.0.0.1:$port")
    for _ in $(seq 200); do curl -sf "${bases[-1]}/readyz" >/dev/null && break; sleep 0.05; done
    curl -sf "${bases[-1]}/readyz" >/dev/null || { cat "$work/host$i.log" >&2; exit 1; }
  done
}

# CPU ticks (user + system) of the running processes named agent-host and
# postgres: "hosts postgres". (wrk exits before the second reading; it is in
# the machine's busy figure.)
process_ticks() {
  python3 - <<'PY'
import glob
ticks = {"agent-host": 0, "postgres": 0}
for stat in glob.glob("/proc/[0-9]*/stat"):
    try:
        text = open(stat).read()
    except OSError:
        continue
    name = text[text.index("(") + 1:text.rindex(")")]
    if name in ticks:
        fields = text[text.rindex(")") + 2:].split()
        ticks[name] += int(fields[11]) + int(fields[12])
print(ticks["agent-host"], ticks["postgres"])
PY
}

# The machine's CPU jiffies: "busy total" (busy: all but idle and iowait).
cpu_jiffies() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t}' /proc/stat; }

# wrk against every host at once, the connections split evenly; prints the
# total rate, and to stderr how busy the whole machine was meanwhile.
creates() {
  local count=${#bases[@]} i total=0 loaders=() before after
  before=$(cpu_jiffies) ticks_before=$(process_ticks)
  for i in "${!bases[@]}"; do
    # Every connection is used: 32 over 3 hosts is 11, 11 and 10.
    local per=$(((connections + count - 1 - i) / count))
    wrk -t1 -c"$per" -d"${duration}s" -s "$here/create.lua" "${bases[$i]}/task/tasks" >"$work/wrk$i.txt" &
    loaders+=($!)
  done
  wait "${loaders[@]}"
  after=$(cpu_jiffies) ticks_after=$(process_ticks)
  python3 -c "b0, t0, b1, t1 = map(int, '$before $after'.split()); print(f'{100 * (b1 - b0) / (t1 - t0):.0f}')" >"$work/busy"
  echo "$ticks_before $ticks_after" >"$work/ticks"
  for i in "${!bases[@]}"; do
    if grep -q Non-2xx "$work/wrk$i.txt"; then
      echo "creates answered non-2xx; see $work/host*.log" >&2; cat "$work/wrk$i.txt" >&2; exit 1
    fi
    total=$(python3 -c "print(float($total) + float($(rps <"$work/wrk$i.txt")))")
  done
  printf '%.0f\n' "$total"
}

# CPU per create of the hosts and of PostgreSQL in the last run: "µs·µs".
cpu_per_create() {
  python3 -c "
h0, p0, h1, p1 = map(int, open('$work/ticks').read().split())
creates = $1 * $duration
tick = 1e6 / $(getconf CLK_TCK)
print(f'{(h1 - h0) * tick / creates:.0f}·{(p1 - p0) * tick / creates:.0f}')"
}

raws=() ones=() threes=() ratios=() scales=() busy_one=() busy_three=()
olds=() gains=() old_threes=() gains_three=() old_scales=()
cpu_one=() cpu_three=()
for round in $(seq "$rounds"); do
  echo "== round $round: raw libpq, $connections connections, ${duration}s" >&2
  raw=$("$bin/raw_postgres_inserts" "$url" "$connections" "$duration")
  echo "== round $round: creates through 1 host" >&2
  start_hosts 1; one=$(creates); busy_one+=("$(cat "$work/busy")%")
  cpu_one+=("$(cpu_per_create "$one")")
  echo "== round $round: creates through 3 hosts" >&2
  start_hosts 3; three=$(creates); busy_three+=("$(cat "$work/busy")%")
  cpu_three+=("$(cpu_per_create "$three")")
  if [[ -n $baseline ]]; then
    echo "== round $round: creates through 1 host of the baseline ($baseline)" >&2
    start_hosts 1 "$baseline" "$baseline_url"; old=$(creates)
    olds+=("$old") gains+=("$(python3 -c "print(f'{$one/$old:.2f}')")")
    echo "== round $round: creates through 3 hosts of the baseline" >&2
    start_hosts 3 "$baseline" "$baseline_url"; old_three=$(creates)
    old_threes+=("$old_three") gains_three+=("$(python3 -c "print(f'{$three/$old_three:.2f}')")")
    old_scales+=("$(python3 -c "print(f'{$old_three/$old:.2f}')")")
  fi
  raws+=("$raw") ones+=("$one") threes+=("$three")
  ratios+=("$(python3 -c "print(f'{$one/$raw:.2f}')")")
  scales+=("$(python3 -c "print(f'{$three/$one:.2f}')")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
[[ -z $host_cpu ]] || echo "Every host capped at $host_cpu CPU cores (a cgroup each, CFS quota)."
cat <<TABLE
| case (per round) | result |
|---|---|
| raw libpq single-row autocommit INSERTs, $connections connections | ${raws[*]} inserts/s |
| POST /task/tasks, 1 host on PostgreSQL (wrk, $connections connections) | ${ones[*]} creates/s |
| POST /task/tasks, 3 hosts on one schema ($connections connections split among them) | ${threes[*]} creates/s |
| ratio 1 host / raw (target >= 0.5) | ${ratios[*]} (median $(median "${ratios[@]}")) |
| ratio 3 hosts / 1 host (target >= 1.0) | ${scales[*]} (median $(median "${scales[@]}")) |
| machine CPU busy during 1 host · 3 hosts (all cores) | ${busy_one[*]} · ${busy_three[*]} |
| CPU µs per create, hosts·PostgreSQL, 1 host · 3 hosts | ${cpu_one[*]} · ${cpu_three[*]} |
TABLE
if [[ -n $baseline ]]; then
  cat <<TABLE
| POST /task/tasks, 1 host of the baseline build | ${olds[*]} creates/s |
| ratio 1 host / 1 host of the baseline | ${gains[*]} (median $(median "${gains[@]}")) |
| POST /task/tasks, 3 hosts of the baseline build | ${old_threes[*]} creates/s |
| ratio 3 hosts / 3 hosts of the baseline | ${gains_three[*]} (median $(median "${gains_three[@]}")) |
| ratio 3 hosts / 1 host, baseline build | ${old_scales[*]} (median $(median "${old_scales[@]}")) |
TABLE
fi

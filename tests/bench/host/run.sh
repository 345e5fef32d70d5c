#!/usr/bin/env bash
# tests/bench/host/run.sh — agent-host next to a bare Pistache server and nginx.
#
#   tests/bench/host/run.sh [--build-dir DIR] [--duration 10s] [--connections 64]
#                           [--threads 2] [--startup-runs 20]
#
# Builds what it needs (Release) when missing, then on loopback, one wrk run
# each, with and without the client sending "Connection: keep-alive":
#   host        GET /hello/greet/bench through agent-host (all built plugins loaded)
#   bare-fair   bare Pistache, same body, keeping HTTP/1.1 connections like the host
#   bare-raw    bare Pistache as it comes (closes a connection without the header)
#   nginx       nginx `return 200` with the same body
# then the host's startup time to the first /readyz 200 (median of N runs) and
# its idle RSS. Prints a Markdown report; docs/performance.md keeps the figures.
# Needs wrk, nginx (nginx-light), curl, python3 (tools/install-deps.sh --test).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build_dir=$repo/build/bench
duration=10s
connections=64
threads=2
startup_runs=20
while (($#)); do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --startup-runs) startup_runs=$2; shift 2 ;;
    *) echo "run.sh: unknown option '$1' (see the header of this script)" >&2; exit 2 ;;
  esac
done
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || {
    echo "run.sh: $tool is missing; run tools/install-deps.sh --test" >&2
    exit 1
  }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

bin=$build_dir/bin
if [[ ! -x $bin/agent-host || ! -x $bin/bare-pistache-server || ! -f $bin/ah-hello.so ]]; then
  echo "== building Release into $build_dir" >&2
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAH_BUILD_TESTS=ON >/dev/null
  ninja -C "$build_dir" agent-host hello bare-pistache-server >&2
  # The other plugins make the RSS figure honest; a plugin that does not build is left out.
  for plugin in task-manager workflow reporting; do
    ninja -C "$build_dir" "$plugin" >/dev/null 2>&1 || echo "   ($plugin not built; left out)" >&2
  done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ah-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() { # URL
  for _ in $(seq 1 400); do curl -fs -o /dev/null "$1" && return 0; sleep 0.025; done
  echo "run.sh: $1 did not answer" >&2
  exit 1
}

body='{"message":"Hi, bench!"}'

# --- agent-host with every plugin found in the build ------------------------
host_port=$(free_port)
metrics_port=$(free_port)
plugins=$(cd "$bin" && ls ah-*.so | sed 's/^ah-//; s/\.so$//' | tr '\n' ' ')
python3 - "$repo/configs/all-in-one.yaml" "$work/host.yaml" "$host_port" "$metrics_port" \
  "$work" "$threads" $plugins <<'PY'
import sys, yaml
source, target, port, metrics_port, work, threads, *plugins = sys.argv[1:]
config = yaml.safe_load(open(source))
config["http"].update(address="127.0.0.1", port=int(port), threads=int(threads))
config["metrics"].update(address="127.0.0.1", port=int(metrics_port))
config["storage"]["data_dir"] = f"{work}/data"
config["secrets_dir"] = f"{work}/secrets"
config["plugin_dirs"] = []
sections = config["plugins"]
config["plugins"] = {name: sections.get(name, {"config": {}}) for name in plugins}
config["plugins"]["hello"] = {"config": {"greeting": "Hi"}}
yaml.safe_dump(config, open(target, "w"))
PY
mkdir -p "$work/secrets"
"$bin/agent-host" --config "$work/host.yaml" >"$work/host.log" 2>&1 &
host_pid=$!
pids+=("$host_pid")
wait_http "http://127.0.0.1:$host_port/readyz"
answer=$(curl -s "http://127.0.0.1:$host_port/hello/greet/bench")
[[ $answer == "$body" ]] || { echo "run.sh: the hello route answered '$answer'" >&2; exit 1; }

# --- bare Pistache (fair and raw) and nginx -----------------------------------
fair_port=$(free_port)
"$bin/bare-pistache-server" --port "$fair_port" --threads "$threads" --keep-alive-http11 >/dev/null &
fair_pid=$!
pids+=("$fair_pid")
raw_port=$(free_port)
"$bin/bare-pistache-server" --port "$raw_port" --threads "$threads" >/dev/null &
raw_pid=$!
pids+=("$raw_pid")
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes $threads;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '$body'; }
  }
}
NGINX
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_http "http://127.0.0.1:$fair_port/"
wait_http "http://127.0.0.1:$raw_port/"
wait_http "http://127.0.0.1:$nginx_port/"

# --- load -----------------------------------------------------------------------
# CPU time (clock ticks) of a server: the process and its children (nginx workers).
cpu_ticks() { # PID
  local total=0 pid
  for pid in "$1" $(ps -o pid= --ppid "$1"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# Requests per second depend on what else runs on the machine; the server's CPU
# time per request much less so, hence both.
declare -A rps p99 cpu_us
measure() { # NAME SERVER_PID URL [HEADER]
  local name=$1 pid=$2 url=$3 out before after requests
  local args=(-t"$threads" -c"$connections" -d"$duration" --latency)
  [[ -n ${4:-} ]] && args+=(-H "$4")
  before=$(cpu_ticks "$pid")
  out=$(wrk "${args[@]}" "$url")
  after=$(cpu_ticks "$pid")
  echo "$out" >"$work/wrk-$name.txt"
  rps[$name]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  p99[$name]=$(awk '$1 == "99%" {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu_us[$name]=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
    'BEGIN {printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0)}')
  errors=$(grep -E 'Socket errors|Non-2xx' <<<"$out" || true)
  [[ -z $errors ]] || echo "   $name: $errors" >&2
  echo "   $name: ${rps[$name]} req/s, p99 ${p99[$name]}, ${cpu_us[$name]} us CPU/request" >&2
}
keep='Connection: keep-alive'
# Every server first serves an unmeasured 2 s run: threads, connections and
# caches are warm before the first measured run, whichever server it hits.
for url in "http://127.0.0.1:$host_port/hello/greet/bench" "http://127.0.0.1:$fair_port/" \
  "http://127.0.0.1:$raw_port/" "http://127.0.0.1:$nginx_port/"; do
  wrk -t"$threads" -c"$connections" -d2s -H "$keep" "$url" >/dev/null
done
echo "== wrk -t$threads -c$connections -d$duration (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
measure host-ka "$host_pid" "http://127.0.0.1:$host_port/hello/greet/bench" "$keep"
measure host-no "$host_pid" "http://127.0.0.1:$host_port/hello/greet/bench"
measure fair-ka "$fair_pid" "http://127.0.0.1:$fair_port/" "$keep"
measure fair-no "$fair_pid" "http://127.0.0.1:$fair_port/"
measure raw-ka "$raw_pid" "http://127.0.0.1:$raw_port/" "$keep"
measure raw-no "$raw_pid" "http://127.0.0.1:$raw_port/"
measure nginx-ka "$nginx_pid" "http://127.0.0.1:$nginx_port/" "$keep"
measure nginx-no "$nginx_pid" "http://127.0.0.1:$nginx_port/"

# --- idle RSS of the loaded host, then startup ----------------------------------
sleep 1
rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$host_pid/status")
kill -TERM "$host_pid"
wait "$host_pid" 2>/dev/null || true
# A fresh process for the idle figure: the one above has served millions of requests.
"$bin/agent-host" --config "$work/host.yaml" >>"$work/host.log" 2>&1 &
idle_pid=$!
pids+=("$idle_pid")
wait_http "http://127.0.0.1:$host_port/readyz"
sleep 1
idle_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$idle_pid/status")
kill -TERM "$idle_pid"
wait "$idle_pid" 2>/dev/null || true
echo "== startup to first /readyz 200, $startup_runs runs" >&2
startup=$(python3 "$repo/tests/bench/host/startup_probe.py" "$startup_runs" "$host_port" -- \
  "$bin/agent-host" --config "$work/host.yaml")
startup_median=$(awk '/^median/ {print $2}' <<<"$startup")
startup_all=$(grep -v median <<<"$startup" | tr '\n' ' ')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN {ok = dir == "ge" ? v >= t : v <= t; print ok ? "met" : "MISSED"}'; }
r_host_bare_ka=$(ratio "${rps[host-ka]}" "${rps[fair-ka]}")
r_host_bare_no=$(ratio "${rps[host-no]}" "${rps[fair-no]}")
r_host_raw_no=$(ratio "${rps[host-no]}" "${rps[raw-no]}")
r_no_ka=$(ratio "${rps[host-no]}" "${rps[host-ka]}")
r_cpu_ka=$(ratio "${cpu_us[fair-ka]}" "${cpu_us[host-ka]}")
idle_mib=$(awk -v k="$idle_kib" 'BEGIN {printf "%.1f", k / 1024}')
loaded_mib=$(awk -v k="$rss_kib" 'BEGIN {printf "%.1f", k / 1024}')

cat <<REPORT

### Run of $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(uname -r)); load average before: $(cut -d' ' -f1-3 /proc/loadavg)

wrk -t$threads -c$connections -d$duration --latency, loopback; plugins loaded: $plugins

| server | with \`Connection: keep-alive\` | p99 | CPU/request | without the header | p99 | CPU/request |
|---|---|---|---|---|---|---|
| agent-host, /hello/greet/bench | ${rps[host-ka]} req/s | ${p99[host-ka]} | ${cpu_us[host-ka]} µs | ${rps[host-no]} req/s | ${p99[host-no]} | ${cpu_us[host-no]} µs |
| bare Pistache, HTTP/1.1 keep-alive like the host (fair) | ${rps[fair-ka]} req/s | ${p99[fair-ka]} | ${cpu_us[fair-ka]} µs | ${rps[fair-no]} req/s | ${p99[fair-no]} | ${cpu_us[fair-no]} µs |
| bare Pistache as it comes (raw) | ${rps[raw-ka]} req/s | ${p99[raw-ka]} | ${cpu_us[raw-ka]} µs | ${rps[raw-no]} req/s | ${p99[raw-no]} | ${cpu_us[raw-no]} µs |
| nginx \`return 200\` | ${rps[nginx-ka]} req/s | ${p99[nginx-ka]} | ${cpu_us[nginx-ka]} µs | ${rps[nginx-no]} req/s | ${p99[nginx-no]} | ${cpu_us[nginx-no]} µs |

| target | figure | verdict |
|---|---|---|
| host ≥ 0.95× bare Pistache (keep-alive header) | ${r_host_bare_ka}× (by CPU per request: ${r_cpu_ka}×) | $(verdict "$r_host_bare_ka" 0.95 ge) |
| host ≥ 0.95× bare Pistache (no header, fair) | ${r_host_bare_no}× (raw: ${r_host_raw_no}×) | $(verdict "$r_host_bare_no" 0.95 ge) |
| no header ≥ 0.8× keep-alive (host) | ${r_no_ka}× | $(verdict "$r_no_ka" 0.8 ge) |
| startup to first /readyz 200 ≤ 20 ms (median of $startup_runs) | ${startup_median} ms | $(verdict "$startup_median" 20 le) |
| idle RSS, all plugins loaded ≤ 16 MiB | ${idle_mib} MiB (after the load runs: ${loaded_mib} MiB) | $(verdict "$idle_mib" 16 le) |

Startup runs (ms): $startup_all
REPORT

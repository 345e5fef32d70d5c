#!/usr/bin/env bash
# new_plugin_test.sh BUILD_DIR CMAKE CTEST GENERATOR
#
# What a newcomer does, with the build's real binaries:
#   generate   agent-host new-plugin demo-notes --dir <tmp>/demo-notes
#   configure  the project against the SDK installed from the build tree
#              (cmake --install --component sdk), with find_package(AgentHostSDK)
#   build      the plugin and its unit test
#   test       the project's own ctest, unchanged
#   load+answer agent-host --config with plugin_dirs at the project's build,
#              then a write and a read over real HTTP
# Prints the seconds each step took.
set -euo pipefail

build_dir=$1 cmake=$2 ctest=$3 generator=$4
source "$(dirname "${BASH_SOURCE[0]}")/../../support/host_script.sh"
host_script_init ah-scaffold
# run_logged LOG COMMAND...: the command's output goes to LOG, shown on failure.
run_logged() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 || { cat "$log"; return 1; }
}
step_started=0
step() {
  echo "== $*"
  step_started=$(date +%s.%N)
}
step_done() {
  awk -v name="$1" -v started="$step_started" -v now="$(date +%s.%N)" \
    'BEGIN { printf "step %-12s %6.1f s\n", name, now - started }'
}

agent_host=$build_dir/bin/agent-host
[[ -x $agent_host ]] || fail "$agent_host is missing; build the target agent-host first"
project=$work/demo-notes
sdk=$work/sdk

step "install the SDK from the build tree into $sdk"
run_logged "$work/install.log" "$cmake" --install "$build_dir" --component sdk --prefix "$sdk" \
  || fail "cmake --install --component sdk failed"
[[ -n $(find "$sdk" -name libagent_host_testing.a) ]] \
  || fail "the sdk component has no libagent_host_testing.a (AgentHost::testing)"
[[ -f $sdk/share/agent-host/scaffold/CMakeLists.txt ]] \
  || fail "the sdk component has no share/agent-host/scaffold templates"
step_done install

step "generate: agent-host new-plugin demo-notes --dir $project"
"$agent_host" new-plugin demo-notes --dir "$project" || fail "new-plugin failed"
for file in CMakeLists.txt README.md src/plugin.cpp test/plugin_test.cpp; do
  [[ -f $project/$file ]] || fail "the project has no $file"
done
if grep -rn "SCAFFOLD_" "$project"; then fail "placeholders left in the project"; fi
step_done generate

step "configure against the installed SDK"
run_logged "$work/configure.log" "$cmake" -S "$project" -B "$project/build" -G "$generator" \
  -DCMAKE_PREFIX_PATH="$sdk" || fail "configuring the generated project failed"
step_done configure

step "build"
run_logged "$work/build.log" "$cmake" --build "$project/build" \
  || fail "building the generated project failed"
[[ -f $project/build/ah-demo-notes.so ]] || fail "the build made no ah-demo-notes.so"
step_done build

step "the project's own tests"
"$ctest" --test-dir "$project/build" --output-on-failure || fail "the generated tests failed"
step_done test

step "load into agent-host and answer over HTTP"
http_port=$(free_port)
metrics_port=$(free_port)
config=$work/config.yaml
cat >"$config" <<YAML
service: scaffold-test
http: {address: 127.0.0.1, port: $http_port}
metrics: {address: 127.0.0.1, port: $metrics_port}
storage: {data_dir: $work/data}
secrets_dir: $work/secrets
plugin_dirs: [$project/build]
plugins:
  demo-notes: {}
YAML
mkdir -p "$work/secrets"
base=http://127.0.0.1:$http_port
"$agent_host" --config "$config" >"$work/host.log" 2>&1 &
host_pid=$!
ready=""
for _ in $(seq 1 200); do
  if curl -fs "$base/readyz" >/dev/null 2>&1; then ready=yes && break; fi
  kill -0 "$host_pid" 2>/dev/null || fail "agent-host exited during start"
  sleep 0.05
done
[[ -n $ready ]] || fail "agent-host not ready after 10 s"
written=$(curl -s -w ' %{http_code}' -H 'content-type: application/json' \
  --data '{"text":"over HTTP"}' "$base/demo-notes/entries")
[[ $written == *'"text":"over HTTP"'*' 201' ]] || fail "POST /demo-notes/entries answered: $written"
listed=$(curl -s -w ' %{http_code}' "$base/demo-notes/entries")
[[ $listed == *'"over HTTP"'*' 200' ]] || fail "GET /demo-notes/entries answered: $listed"
# Into a variable first: `curl | grep -q` can end the pipe before curl has
# written everything, and pipefail then counts curl's SIGPIPE as a failure.
metrics=$(curl -s "http://127.0.0.1:$metrics_port/metrics")
grep -q '^agent_demo_notes_entries_written_total 1' <<<"$metrics" || fail "the counter is not exposed"
step_done load+answer

kill -TERM "$host_pid"
status=0
wait "$host_pid" || status=$?
host_pid=""
[[ $status -eq 0 ]] || fail "agent-host exited with $status on SIGTERM"
echo "PASS"

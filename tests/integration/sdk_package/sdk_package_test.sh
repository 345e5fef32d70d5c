#!/usr/bin/env bash
# sdk_package_test.sh BUILD_DIR TEST_SOURCE_DIR CMAKE C_COMPILER GENERATOR
#
# 1. installs the SDK into a temporary prefix (cmake --install --component sdk:
#    headers, CMake package, fake host archive - what a plugin author needs);
# 2. builds out_of_tree_plugin/ with find_package(AgentHostSDK) against it and
#    runs its unit tests (the installed AgentHost::testing fake host);
# 3. compiles c_plugin/c_echo.c as C99 against the installed abi.h alone;
# 4. checks `agent-host plugins --plugin-dir` lists both, starts the build's
#    agent-host with them (plus the build's hello plugin), talks HTTP to them,
#    reads their metrics, stops it with SIGTERM and checks the data survived.
set -euo pipefail

build_dir=$1 source_dir=$2 cmake=$3 cc=$4 generator=$5
source "$(dirname "${BASH_SOURCE[0]}")/../../support/host_script.sh"
host_script_init ah-sdk-package
step() { echo "== $*"; }

prefix=$work/prefix
plugins=$work/plugins
mkdir -p "$plugins"

agent_host=$build_dir/bin/agent-host
for file in "$agent_host" "$build_dir/bin/ah-hello.so"; do
  [[ -f $file ]] || fail "$file is missing; build the targets agent-host and hello first"
done

step "install the SDK into $prefix"
"$cmake" --install "$build_dir" --prefix "$prefix" --component sdk >"$work/install.log" || {
  cat "$work/install.log"
  fail "cmake --install --component sdk failed"
}
for file in include/agent_host/abi.h include/agent_host/sdk.hpp include/agent_host/detail/c_bridge.hpp \
  include/agent_host/testing.hpp \
  lib/cmake/AgentHostSDK/AgentHostSDKConfig.cmake \
  lib/cmake/AgentHostSDK/AgentHostSDKConfigVersion.cmake \
  lib/cmake/AgentHostSDK/AgentHostPlugin.cmake; do
  [[ -f $prefix/$file ]] || fail "the install has no $file"
done
[[ -n $(find "$prefix" -name libagent_host_testing.a) ]] || fail "the install has no libagent_host_testing.a"

step "build the counter plugin out of tree with find_package(AgentHostSDK)"
"$cmake" -S "$source_dir/out_of_tree_plugin" -B "$work/counter-build" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" 2>&1 || {
  cat "$work/configure.log"
  fail "configuring the out-of-tree plugin failed"
}
"$cmake" --build "$work/counter-build" >"$work/build.log" 2>&1 || {
  cat "$work/build.log"
  fail "building the out-of-tree plugin failed"
}
cp "$work/counter-build/ah-counter.so" "$plugins/"

step "run the counter plugin's unit tests (installed fake host)"
"$work/counter-build/counter_test" --gtest_brief=1 || fail "the counter plugin's unit tests failed"

step "build the guide's first complete plugin (plugins/hello/hello.cpp) out of tree"
mkdir -p "$work/hello"
cp "$source_dir/hello_out_of_tree/CMakeLists.txt" "$source_dir/../../../plugins/hello/hello.cpp" "$work/hello/"
{ "$cmake" -S "$work/hello" -B "$work/hello/build" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" && "$cmake" --build "$work/hello/build"; } >"$work/hello.log" 2>&1 || {
  cat "$work/hello.log"
  fail "the guide's hello.cpp and CMakeLists.txt do not build out of tree"
}
[[ -f $work/hello/build/ah-hello.so ]] || fail "the out-of-tree hello build made no ah-hello.so"

step "compile the C99 plugin against abi.h alone"
"$cc" -std=c99 -pedantic -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
  -I"$prefix/include" "$source_dir/c_plugin/c_echo.c" -o "$plugins/ah-c-echo.so" \
  || fail "the C plugin does not compile as C99 against abi.h"

step "agent-host plugins --plugin-dir lists both"
listing=$("$agent_host" plugins --plugin-dir "$plugins") || fail "agent-host plugins failed"
echo "$listing"
grep -q "counter" <<<"$listing" || fail "agent-host plugins does not list counter"
grep -q "c-echo" <<<"$listing" || fail "agent-host plugins does not list c-echo"

http_port=$(free_port)
metrics_port=$(free_port)
config=$work/config.yaml
cat >"$config" <<YAML
service: sdk-package-test
http: {address: 127.0.0.1, port: $http_port}
metrics: {address: 127.0.0.1, port: $metrics_port}
storage: {data_dir: $work/data}
secrets_dir: $work/secrets
plugin_dirs: [$plugins, $build_dir/bin]
plugins:
  counter: {config: {step: 3}}
  c-echo: {config: {}}
  hello: {config: {greeting: Hi}}
YAML
mkdir -p "$work/secrets"
"$agent_host" check-config "$config" >/dev/null || fail "check-config refused the config"

base=http://127.0.0.1:$http_port
start_host() {
  "$agent_host" --config "$config" >>"$work/host.log" 2>&1 &
  host_pid=$!
  for _ in $(seq 1 200); do
    curl -fs "$base/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$host_pid" 2>/dev/null || fail "agent-host exited during start"
    sleep 0.05
  done
  fail "agent-host not ready after 10 s"
}
stop_host() {
  kill -TERM "$host_pid"
  local status=0
  wait "$host_pid" || status=$?
  host_pid=""
  [[ $status -eq 0 ]] || fail "agent-host exited with $status on SIGTERM"
}
# expect METHOD PATH STATUS [BODY] -> prints the response body
expect() {
  local method=$1 path=$2 status=$3 body=${4:-}
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$method")
  [[ -n $body ]] && args+=(-H 'content-type: application/json' --data "$body")
  local got
  got=$(curl "${args[@]}" "$base$path")
  [[ $got == "$status" ]] || fail "$method $path answered $got, expected $status: $(cat "$work/body")"
  cat "$work/body"
}
# expect_in_body METHOD PATH STATUS TEXT [BODY]: the answer has STATUS and its
# body contains TEXT. (Not `expect ... | grep -q`: grep ending the pipe early
# can SIGPIPE the writer, which pipefail reports as a failure.)
expect_in_body() {
  local answer
  answer=$(expect "$1" "$2" "$3" "${5:-}")
  [[ $answer == *"$4"* ]] || fail "$1 $2: the body lacks $4: $answer"
}

step "start agent-host with the out-of-tree plugins and hello"
start_host
expect_in_body POST /counter/counters/visits/increment 201 '"value":3'
expect_in_body POST /counter/counters/visits/increment 200 '"value":7' '{"by":4}'
expect_in_body GET /counter/counters/visits 200 '"value":7'
expect_in_body PUT /counter/counters/level 201 '"value":42' '{"value":42}'
expect_in_body GET /counter/counters/level 200 '"value":42'
expect_in_body GET /counter/counters/nobody 404 '"not_found"'
expect_in_body POST /counter/counters/x/increment 400 '"field":"by"' '{"by":0}'
expect_in_body GET /counter/greeting/ada 200 '"Hi, ada!"'
echoed=$(curl -s -H 'content-type: text/plain' --data 'from C' "$base/c-echo/echo")
[[ $echoed == "from C" ]] || fail "the C plugin echoed '$echoed'"
openapi=$(curl -s "$base/openapi.json")
[[ $openapi == *'/counter/counters/{name}/increment'* ]] || fail "/openapi.json lacks the counter routes"
metrics=$(curl -s "http://127.0.0.1:$metrics_port/metrics")
grep -q '^agent_counter_increments_total 2' <<<"$metrics" || fail "counter metric missing"
grep -q '^agent_c_echo_echoes_total 1' <<<"$metrics" || fail "C plugin metric missing"
stop_host

step "restart: the counter survived in the plugin's database"
start_host
expect_in_body GET /counter/counters/visits 200 '"value":7'
stop_host
echo "PASS"

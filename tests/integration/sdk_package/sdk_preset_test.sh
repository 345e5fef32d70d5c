#!/usr/bin/env bash
# The shipped `sdk` preset (README, plugin guide section 1): configured from
# the source tree into a folder of its own, built, installed with
# --component sdk into a prefix, and the guide's first complete plugin
# (plugins/hello/hello.cpp with hello_out_of_tree/CMakeLists.txt) built
# against that prefix. Prints the seconds the SDK build took.
#   sdk_preset_test.sh SOURCE_DIR CMAKE
set -euo pipefail
source_dir=$1 cmake=$2
source "$(dirname "${BASH_SOURCE[0]}")/../../support/host_script.sh"
host_script_init ah-sdk-preset

started=$SECONDS
(cd "$source_dir" && "$cmake" --preset sdk -B "$work/build") >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "cmake --preset sdk failed"; }
"$cmake" --build "$work/build" --target agent_host_testing_archive >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log"; fail "building the sdk preset failed"; }
"$cmake" --install "$work/build" --component sdk --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "installing the sdk component failed"; }
echo "sdk preset: configure, build and install in $((SECONDS - started)) s"
for file in include/agent_host/sdk.hpp include/agent_host/testing.hpp lib/libagent_host_testing.a \
  lib/cmake/AgentHostSDK/AgentHostSDKConfig.cmake lib/cmake/AgentHostSDK/AgentHostTesting.cmake \
  share/agent-host/scaffold/CMakeLists.txt; do
  [[ -f $work/prefix/$file ]] || fail "the sdk preset's install has no $file"
done

mkdir -p "$work/hello"
cp "$source_dir/tests/integration/sdk_package/hello_out_of_tree/CMakeLists.txt" \
  "$source_dir/plugins/hello/hello.cpp" "$work/hello/"
{ "$cmake" -S "$work/hello" -B "$work/hello/build" -DCMAKE_PREFIX_PATH="$work/prefix" &&
  "$cmake" --build "$work/hello/build"; } >"$work/hello.log" 2>&1 ||
  { cat "$work/hello.log"; fail "hello.cpp does not build against the sdk preset's install"; }
[[ -f $work/hello/build/ah-hello.so ]] || fail "the hello build made no ah-hello.so"
echo "sdk preset: ok"

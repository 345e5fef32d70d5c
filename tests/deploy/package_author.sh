#!/usr/bin/env bash
# Runs inside a fresh Debian 12 container (package_test.sh): what a plugin
# author does with the two packages in /debs. Prints "author: step NAME
# SECONDS" per step and the total from apt to the plugin answering.
set -euo pipefail
start=$SECONDS
step_start=$SECONDS
step() { echo "author: step $1 $((SECONDS - step_start)) s"; step_start=$SECONDS; }

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends /debs/agent-host_*.deb /debs/agent-host-sdk_*.deb curl >/dev/null
step install
useradd --create-home author
cat >/home/author/steps.sh <<'STEPS'
set -euo pipefail
cd "$HOME"
step_start=$SECONDS
step() { echo "author: step $1 $((SECONDS - step_start)) s"; step_start=$SECONDS; }
agent-host --version
agent-host new-plugin demo-notes --dir demo-notes
step scaffold
cmake -S demo-notes -B demo-notes/build -DCMAKE_BUILD_TYPE=Release >/dev/null
step configure
cmake --build demo-notes/build -j2 >/dev/null
step build
ctest --test-dir demo-notes/build --output-on-failure >/dev/null
step test
cat >config.yaml <<YAML
service: demo-notes-check
http: {port: 18080}
metrics: {port: 19090}
storage: {data_dir: $HOME/data}
plugin_dirs: [$HOME/demo-notes/build]
plugins:
  demo-notes: {}
YAML
agent-host check-config config.yaml
agent-host --config config.yaml >host.log 2>&1 &
host=$!
for _ in $(seq 100); do curl -fsS localhost:18080/readyz >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -X POST localhost:18080/demo-notes/entries -H 'Content-Type: application/json' \
  -d '{"text":"packaged"}' || { cat host.log; exit 1; }
echo
entries=$(curl -fsS localhost:18080/demo-notes/entries)
[[ $entries == *packaged* ]] || { cat host.log; exit 1; }
step serve
kill -TERM $host; wait $host
STEPS
chown author: /home/author/steps.sh
su author -c 'bash /home/author/steps.sh'
echo "author: total $((SECONDS - start)) s from apt install to the plugin answering"

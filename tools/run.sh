#!/usr/bin/env bash
# Builds agent-host with every plugin and runs it with configs/all-in-one.yaml:
# all three agents in one process, embedded defaults (SQLite under ./data,
# in-process queue, in-process scheduler), nothing else to start.
#   tools/run.sh [extra agent-host arguments]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

tools/install-deps.sh
cmake --preset release -DAH_BUILD_TESTS=OFF >/dev/null
cmake --build --preset release --target agent-host-product

config=${AGENT_HOST_CONFIG:-configs/all-in-one.yaml}
port=$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["http"]["port"])' "$config" 2>/dev/null || echo 8080)
cat <<MSG

agent-host is starting with $config. Open:
  http://localhost:$port/health          service and per-agent health
  http://localhost:$port/docs            API documentation (Swagger UI)
  http://localhost:$port/task/tasks      Task Manager
  http://localhost:$port/workflow/workflows   Workflow Automation
  http://localhost:$port/reporting/reports    Reporting Agent
  http://localhost:9090/metrics          Prometheus metrics
Stop with Ctrl-C (the host drains in-flight requests first).

MSG
exec build/release/bin/agent-host --config "$config" "$@"

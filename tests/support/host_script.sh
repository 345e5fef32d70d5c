# Sourced by the shell tests that start the real agent-host: a work folder
# removed at exit (with the host killed if it still runs), `fail` showing the
# host's log, and a free loopback port. Usage:
#   source tests/support/host_script.sh; host_script_init ah-<test-name>
# then set host_pid when starting agent-host, logging to $work/host.log.

host_script_init() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  host_pid=""
  trap host_script_cleanup EXIT
}

host_script_cleanup() {
  if [[ -n $host_pid ]] && kill -0 "$host_pid" 2>/dev/null; then kill -KILL "$host_pid"; fi
  rm -rf "$work"
}

fail() {
  echo "FAIL: $*" >&2
  [[ -f $work/host.log ]] && { echo "--- agent-host log:" >&2; tail -n 40 "$work/host.log" >&2; }
  exit 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

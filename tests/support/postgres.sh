#!/usr/bin/env bash
# The PostgreSQL server of a test run, on loopback (Debian's postgresql-15):
#   postgres.sh start DIR PORT   initdb in DIR (fresh) and start; prints the URL
#   postgres.sh stop DIR         stop it and remove DIR
#   postgres.sh pause DIR        stop it, keeping its data (an outage)
#   postgres.sh resume DIR PORT  start it again on its data
# Tests reach it through AH_TEST_POSTGRES_URL; each test makes a database of
# its own there. As root the server runs as the postgres user (it refuses root).
set -euo pipefail
action=${1:?start or stop}
dir=${2:?data folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/pg_ctl" ]] || { echo "postgres.sh: PostgreSQL server not installed (tools/install-deps.sh --test installs postgresql-15)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    port=${3:?port}
    if [[ -f "$dir/data/postmaster.pid" ]]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    mkdir -p "$dir/socket"
    [[ $(id -u) == 0 ]] && chown -R postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # fsync stays on: the durability tests kill hosts, not the server.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c max_connections=400 -c shared_buffers=64MB" >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  pause)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    port=${3:?port}
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c max_connections=400 -c shared_buffers=64MB" >/dev/null
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *) echo "postgres.sh: unknown action $action" >&2; exit 2 ;;
esac

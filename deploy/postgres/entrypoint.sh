#!/bin/bash
# Starts PostgreSQL on the data volume. On an empty volume it first runs
# initdb with the user and password of the mounted db-secret (the same files
# the hosts read) and creates the database, so the hosts and the database can
# never disagree on the credentials.
#
# Environment: PGDATA (a sub-folder of the volume: initdb wants an empty folder
# it owns, and a volume's root may hold lost+found), AH_DB_SECRET_DIR (default
# /etc/agent-host/secrets/db-secret), AH_DB_NAME (default agent_host, unless the
# secret has a `database` key).
set -euo pipefail

secret_dir=${AH_DB_SECRET_DIR:-/etc/agent-host/secrets/db-secret}
die() { echo "agent-host-postgres: $*" >&2; exit 1; }

# A key of the secret, without the trailing newline an editor may leave.
secret() { [[ -s "$secret_dir/$1" ]] && tr -d '\r\n' <"$secret_dir/$1"; }

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  username=$(secret username) || die "no $secret_dir/username: mount the db-secret (keys username, password, host)"
  password=$(secret password) || die "no $secret_dir/password: mount the db-secret (keys username, password, host)"
  database=$(secret database) || database=${AH_DB_NAME:-agent_host}
  [[ $username =~ ^[A-Za-z_][A-Za-z0-9_-]*$ ]] || die "db-secret username '$username' is not a plain identifier"
  [[ $database =~ ^[A-Za-z_][A-Za-z0-9_-]*$ ]] || die "database name '$database' is not a plain identifier"
  echo "agent-host-postgres: empty volume, initdb in $PGDATA for user $username, database $database" >&2
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$password" >"$pwfile"
  initdb --pgdata="$PGDATA" --username="$username" --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >&2
  rm -f "$pwfile"
  # Any address may try; the NetworkPolicy decides who reaches the port, the
  # password who gets in.
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  # Single-user mode: no server, no socket, no password needed for this.
  echo "CREATE DATABASE \"$database\" OWNER \"$username\";" | postgres --single -D "$PGDATA" postgres >/dev/null
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql "$@"

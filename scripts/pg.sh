#!/bin/sh
# pg.sh -- a throwaway PostgreSQL 15 server for tests and benchmarks.
#   scripts/pg.sh start DIR   create a cluster in DIR/data (if there is none), start it,
#                             create the database "powerhouse", print the --db URL
#   scripts/pg.sh stop DIR    stop it (fast shutdown) and remove DIR
#   scripts/pg.sh halt DIR    stop it and keep DIR (start again reuses the data)
# The server listens only on a Unix socket in DIR (listen_addresses=''), trusts
# every local connection and runs with fsync=off and synchronous_commit=off: it
# is for data that can be thrown away. Its superuser role is named after the
# user running this script, so libpq's default user name just works and the URL
# needs no user: postgresql:///powerhouse?host=DIR. PostgreSQL refuses to run
# as root; as root the server runs as the Debian package's "postgres" user
# (DIR is chown'ed to it). Idempotent and quiet on success; on failure the
# server's own output is printed. DIR must be an absolute or relative path of
# letters, digits and / . _ - (it goes into a URL and a socket path).
set -eu

BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB=powerhouse

usage() { echo "usage: $0 start|stop|halt DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
case $2 in
  *[!A-Za-z0-9/._-]*|"") echo "pg.sh: $2: use a folder name of letters, digits and / . _ -" >&2; exit 2 ;;
esac
case $2 in
  /*) dir=$2 ;;
  *) dir=$(pwd)/$2 ;;
esac
dir=${dir%/}

# Runs a server-side program as the server's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

case $cmd in
start)
  [ -x "$BIN/initdb" ] || { echo "pg.sh: no PostgreSQL 15 in $BIN: run ./scripts/deps.sh" >&2; exit 1; }
  me=$(id -un)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "pg.sh: running as root needs the 'postgres' user (Debian package postgresql)" >&2; exit 1; }
    chown postgres: "$dir"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    if ! as_owner "$BIN/initdb" -D "$dir/data" -U "$me" -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
      echo "pg.sh: initdb failed in $dir/data:" >&2
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
  if ! running; then
    if ! as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1; then
      echo "pg.sh: the server in $dir/data did not start:" >&2
      tail -n 20 "$dir/server.log" >&2 || true
      exit 1
    fi
  fi
  if [ -z "$("$BIN/psql" -h "$dir" -d postgres -XAtq -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    "$BIN/createdb" -h "$dir" "$DB" || { echo "pg.sh: cannot create database $DB" >&2; exit 1; }
  fi
  echo "postgresql:///$DB?host=$dir"
  ;;
stop|halt)
  [ -e "$dir" ] || exit 0
  if running; then
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || {
      echo "pg.sh: cannot stop the server in $dir/data" >&2
      exit 1
    }
  fi
  if [ "$cmd" = stop ]; then rm -rf "$dir"; fi # (as `[ ] && rm` it made halt exit 1)
  ;;
*) usage ;;
esac

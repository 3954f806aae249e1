#!/usr/bin/env bash
# The project's PostgreSQL + PostGIS.
#
#   scripts/database.sh url    print the DATABASE_URL to use, starting what is needed:
#                              $DATABASE_URL if it is given and reachable, otherwise a
#                              private cluster under .data/ (Unix socket only, so it
#                              never collides with another server on the machine)
#   scripts/database.sh stop   stop the private cluster, if it runs
#   scripts/database.sh status exit 0 if the private cluster runs
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DBNAME=marketplace
DATA_DIR="$ROOT/.data/postgres"
SOCKET_DIR="$ROOT/.data/run"
LOG_FILE="$ROOT/.data/postgres.log"

say() { echo "[database] $*" >&2; }

# PostgreSQL refuses to run as root: as root, the cluster belongs to 'postgres'.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A Unix socket path must stay under ~107 bytes, and the 'postgres' user must be
# able to reach the project folder (not the case under /root, say). Where either
# fails, the cluster lives in a short folder of its own, linked from .data/.
prepare_dirs() {
  mkdir -p "$ROOT/.data"
  [ -e "$DATA_DIR" ] && return 0
  local socket_path="$SOCKET_DIR/.s.PGSQL.5432"
  local reachable=1
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- test -x "$ROOT/.data" 2>/dev/null || reachable=0
  fi
  if [ ${#socket_path} -gt 100 ] || [ "$reachable" = 0 ]; then
    local home
    home="/var/lib/postgresql/marketplace-$(echo -n "$ROOT" | sha1sum | cut -c1-12)"
    say "the project folder is not usable by the postgres user or too deep; cluster in $home"
    mkdir -p "$home/data" "$home/run"
    ln -sfn "$home/data" "$DATA_DIR"
    ln -sfn "$home/run" "$SOCKET_DIR"
  else
    mkdir -p "$DATA_DIR" "$SOCKET_DIR"
  fi
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$(readlink -f "$DATA_DIR")" "$(readlink -f "$SOCKET_DIR")"
    chmod 700 "$(readlink -f "$DATA_DIR")"
  fi
}

# Memory for the machine it runs on: the search table and its indexes of a million
# services (1.4 GB) stay in shared buffers (the default 128 MB reads them from the OS
# cache at every query); costs for pages that are in memory; no JIT for short queries.
sizing() {
  local mem_mb
  mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  local buffers=$((mem_mb / 4))
  [ "$buffers" -gt 4096 ] && buffers=4096
  [ "$buffers" -lt 128 ] && buffers=128
  echo "-c shared_buffers=${buffers}MB -c effective_cache_size=$((mem_mb / 2))MB" \
    "-c work_mem=32MB -c maintenance_work_mem=256MB -c random_page_cost=1.1 -c jit=off"
}

private_running() {
  [ -f "$DATA_DIR/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1
}

start_private() {
  prepare_dirs
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    say "creating a private cluster in $DATA_DIR"
    as_owner "$PGBIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  if ! private_running; then
    say "starting the private cluster (socket in $SOCKET_DIR)"
    touch "$LOG_FILE"
    [ "$(id -u)" = 0 ] && chown postgres "$LOG_FILE"
    as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 \
      -o "-c listen_addresses='' -k $SOCKET_DIR -c fsync=off -c full_page_writes=off $(sizing)" \
      start >/dev/null
  fi
  if ! psql -h "$SOCKET_DIR" -U postgres -d postgres -tAc \
      "select 1 from pg_database where datname = '$DBNAME'" | grep -q 1; then
    psql -h "$SOCKET_DIR" -U postgres -d postgres -qc "create database $DBNAME" >/dev/null
  fi
}

# libpq does not know Django's scheme names.
libpq_url() { echo "$1" | sed -E 's#^(postgis|postgresql|postgres|pgsql)://#postgresql://#'; }

case "${1:-url}" in
  url)
    if [ -n "${DATABASE_URL:-}" ]; then
      if pg_isready -q -t 5 -d "$(libpq_url "$DATABASE_URL")"; then
        echo "$DATABASE_URL"
        exit 0
      fi
      say "DATABASE_URL is set but not reachable: using a private cluster instead"
    fi
    start_private
    echo "postgres://postgres@/$DBNAME?host=$SOCKET_DIR"
    ;;
  stop)
    if private_running; then
      as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" -w -m fast stop >/dev/null
      say "private cluster stopped"
    fi
    ;;
  status)
    private_running
    ;;
  *)
    echo "usage: $0 url|stop|status" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Starts (default) or stops the Debian PostgreSQL cluster "main" on 127.0.0.1:5432 and makes
# sure the role remediator/remediator (superuser: tests create a database each) exists.
# Idempotent: a running cluster and an existing role are left as they are.
#   tests/servers/postgres.sh [start|stop|status]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cluster_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }

as_postgres() { runuser -u postgres -- "$@"; }

ensure_cluster() {
  local version=$1
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
    log "postgres: creating cluster $version/main"
    pg_createcluster "$version" main >/dev/null
  fi
  # Loopback only, through the cluster's conf.d (read after postgresql.conf, so it wins):
  # rewriting the file each time keeps this idempotent and leaves the stock settings alone.
  local dropin="/etc/postgresql/$version/main/conf.d/remediator-tests.conf"
  mkdir -p "$(dirname "$dropin")"
  printf "# Written by tests/servers/postgres.sh\nlisten_addresses = '127.0.0.1'\nport = %s\n" "$PG_PORT" >"$dropin"
}

ensure_role() {
  local exists
  exists=$(as_postgres psql -p "$PG_PORT" -tAc "select 1 from pg_roles where rolname = '$PG_ROLE'")
  if [[ $exists == 1 ]]; then
    log "postgres: role $PG_ROLE exists"
  else
    as_postgres psql -p "$PG_PORT" -q -c "create role $PG_ROLE login password '$PG_PASSWORD' superuser"
    log "postgres: created role $PG_ROLE"
  fi
}

start() {
  local version
  version=$(pg_version)
  if cluster_up; then
    log "postgres: already running ($version/main, 127.0.0.1:$PG_PORT)"
  else
    require_root
    ensure_cluster "$version"
    log "postgres: starting cluster $version/main"
    pg_ctlcluster "$version" main start
    wait_for 60 cluster_up || die "postgres: not accepting connections; see /var/log/postgresql/"
  fi
  ensure_role
  log "postgres: ready (postgresql://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres)"
}

stop() {
  local version
  version=$(pg_version)
  if ! cluster_up; then
    log "postgres: not running"
    return
  fi
  log "postgres: stopping cluster $version/main"
  pg_ctlcluster "$version" main stop
  log "postgres: stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) cluster_up && log "postgres: running" || { log "postgres: not running"; exit 1; } ;;
  *) die "usage: $0 [start|stop|status]" ;;
esac

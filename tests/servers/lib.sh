#!/usr/bin/env bash
# Shared by the server scripts (sourced, not run): names, addresses and small helpers.
# Every server listens on loopback only; the tests and the engine reach them at these addresses.

# rabbitmqctl must be given the same node name as the server, so both come from here.
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=5672
# Our own config file (tests/servers/rabbitmq.conf, management on loopback), copied by
# rabbitmq.sh to where the rabbitmq user can read it wherever the repository is checked out;
# the Debian config under /etc/rabbitmq is left alone.
export RABBITMQ_CONFIG_FILE=/etc/rabbitmq/remediator-tests.conf
# Erlang's port mapper and distribution port would otherwise listen on every interface.
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

PG_ROLE=remediator
PG_PASSWORD=remediator
PG_PORT=5432

log() { printf '[servers] %s\n' "$*"; }

die() {
  printf '[servers] ERROR: %s\n' "$*" >&2
  exit 1
}

require_root() {
  [[ $(id -u) -eq 0 ]] || die "run as root: the servers come from Debian packages and run as their own users"
}

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Polls "$@" until it succeeds, at most $1 seconds (first argument), printing a dot per try.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# The installed PostgreSQL major version (15 on Debian 12): the highest under /usr/lib/postgresql.
pg_version() {
  local version
  version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)
  [[ -n $version ]] || die "no PostgreSQL server under /usr/lib/postgresql (run tests/servers/install.sh)"
  printf '%s' "$version"
}

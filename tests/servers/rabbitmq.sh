#!/usr/bin/env bash
# Starts (default) or stops RabbitMQ on 127.0.0.1:5672, node rabbit@localhost, with the
# management API on 127.0.0.1:15672. Idempotent: a running node is left as it is.
#   tests/servers/rabbitmq.sh [start|stop|status]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

node_up() { rabbitmqctl ping >/dev/null 2>&1; }

# The node can be up with the broker application stopped (rabbitmqctl stop_app, which the
# integration tests use to take the broker away); then only the application needs starting.
app_running() { rabbitmq-diagnostics -q check_running >/dev/null 2>&1; }

start() {
  if node_up; then
    if ! app_running; then
      log "rabbitmq: node up, broker application stopped: starting it"
      rabbitmqctl start_app >/dev/null
      rabbitmqctl await_startup --timeout 120 >/dev/null || die "rabbitmq: did not finish booting; see /var/log/rabbitmq/"
    fi
    wait_for 60 port_open 15672 || die "rabbitmq: management API did not open on 127.0.0.1:15672"
    log "rabbitmq: running ($RABBITMQ_NODENAME, amqp://127.0.0.1:$RABBITMQ_NODE_PORT)"
    return
  fi
  require_root
  command -v rabbitmq-server >/dev/null || die "rabbitmq-server is not installed (run tests/servers/install.sh)"
  if port_open "$RABBITMQ_NODE_PORT"; then
    die "port $RABBITMQ_NODE_PORT is taken by something that is not node $RABBITMQ_NODENAME (a RabbitMQ started with another node name?)"
  fi
  install -m 0644 "$(dirname "${BASH_SOURCE[0]}")/rabbitmq.conf" "$RABBITMQ_CONFIG_FILE"
  # Written to /etc/rabbitmq/enabled_plugins, read at boot: no running node needed.
  rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
  log "rabbitmq: starting $RABBITMQ_NODENAME"
  rabbitmq-server -detached
  # await_startup needs the Erlang node to exist first, which takes a moment after -detached.
  wait_for 60 rabbitmqctl ping || die "rabbitmq: node did not come up; see /var/log/rabbitmq/"
  rabbitmqctl await_startup --timeout 120 >/dev/null || die "rabbitmq: did not finish booting; see /var/log/rabbitmq/"
  wait_for 60 port_open 15672 || die "rabbitmq: management API did not open on 127.0.0.1:15672"
  log "rabbitmq: ready (amqp://guest:guest@127.0.0.1:$RABBITMQ_NODE_PORT/, http://127.0.0.1:15672/)"
}

stop() {
  if ! node_up; then
    log "rabbitmq: not running"
    stop_epmd
    return
  fi
  log "rabbitmq: stopping"
  rabbitmqctl stop >/dev/null
  stop_epmd
  log "rabbitmq: stopped"
}

# The broker started Erlang's port mapper (epmd) and leaves it listening after it stops; with no
# Erlang node left registered there is nothing it serves, so it goes too.
stop_epmd() {
  command -v epmd >/dev/null || return 0
  local names
  # epmd -names fails when no epmd is running: nothing to stop.
  names="$(epmd -names 2>/dev/null)" || return 0
  if grep -q '^name ' <<<"$names"; then
    log "rabbitmq: epmd still has Erlang nodes registered: left running"
    return
  fi
  epmd -kill >/dev/null
  log "rabbitmq: epmd stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) node_up && log "rabbitmq: running" || { log "rabbitmq: not running"; exit 1; } ;;
  *) die "usage: $0 [start|stop|status]" ;;
esac

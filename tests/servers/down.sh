#!/usr/bin/env bash
# Stops what up.sh started (RabbitMQ and the Erlang port mapper epmd it brought up, PostgreSQL).
# Idempotent; leaves the packages installed.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/lib.sh"

bash "$here/rabbitmq.sh" stop
bash "$here/postgres.sh" stop
log "all servers down"

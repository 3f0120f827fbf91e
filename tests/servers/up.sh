#!/usr/bin/env bash
# Everything the integration tests need, installed and running on loopback:
# RabbitMQ (5672, management 15672), PostgreSQL (5432). Alertmanager, amtool and Prometheus are
# only installed: each test starts its own instance on a free port.
# Idempotent and quick when everything is already up.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/lib.sh"

bash "$here/install.sh"
for tool in prometheus-alertmanager amtool prometheus promtool; do
  command -v "$tool" >/dev/null || die "$tool is missing after install"
done
log "alertmanager: $(prometheus-alertmanager --version 2>&1 | head -n 1)"
log "prometheus: $(prometheus --version 2>&1 | head -n 1)"
bash "$here/rabbitmq.sh" start
bash "$here/postgres.sh" start
log "all servers up"

#!/usr/bin/env bash
# Installs the servers the integration tests use from Debian's packages, when missing.
# Idempotent: does nothing (not even apt-get update) when everything is installed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# chromium + chromium-driver: the dashboard's browser tests (Selenium, headless).
packages=(rabbitmq-server postgresql prometheus-alertmanager prometheus chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
  is_installed "$package" || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  log "packages: all installed (${packages[*]})"
  exit 0
fi

require_root
export DEBIAN_FRONTEND=noninteractive

# The packages' install scripts would start each server with its stock settings (every
# interface, the host's node name); we start them ourselves on loopback, so block that.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi

log "packages: installing ${missing[*]}"
apt-get update -q
apt-get install -y -q "${missing[@]}"
log "packages: installed ${missing[*]}"

#!/usr/bin/env bash
# Remediator end to end on this machine, no cluster and no Docker needed:
#
#   Prometheus --(alert)--> Alertmanager --(webhook, bearer token)--> Remediator (dry run)
#
# Starts a real Prometheus and Alertmanager (Debian's packages) and the engine, all on 127.0.0.1.
# Prometheus fires a ServiceNotResponding alert for fintech-services/auth-service at once (a
# `vector(1)` rule), Alertmanager forwards it to the engine, the shipped rule
# fintech-service-not-responding plans a restart, and the engine records the run as a dry run:
# nothing anywhere is changed. The script waits for each hop, then prints where to look.
# Ctrl-C stops everything it started.
#
# Usage: deploy/demo/run.sh [--once] [--keep]
#   --once   exit (and clean up) as soon as the remediation is visible, instead of waiting for Ctrl-C
#   --keep   keep the work directory (configurations, logs, the engine's SQLite file) afterwards
# Environment (all optional):
#   DEMO_ENGINE_PORT (9095) DEMO_PROMETHEUS_PORT (9090) DEMO_ALERTMANAGER_PORT (9093)
#   DEMO_DIR               work directory (default: a new temporary directory)
#   DEMO_TIMEOUT           seconds to wait for each hop (default 120)
#   REMEDIATOR_ENGINE_DLL  a built remediator.dll to run (default: build src/Remediator)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
engine_port="${DEMO_ENGINE_PORT:-9095}"
prometheus_port="${DEMO_PROMETHEUS_PORT:-9090}"
alertmanager_port="${DEMO_ALERTMANAGER_PORT:-9093}"
timeout="${DEMO_TIMEOUT:-120}"
once=false
keep=false
for argument in "$@"; do
  case "$argument" in
    --once) once=true ;;
    --keep) keep=true ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "demo: unknown argument '$argument' (try --help)" >&2
      exit 2
      ;;
  esac
done

engine_url="http://127.0.0.1:$engine_port"
prometheus_url="http://127.0.0.1:$prometheus_port"
alertmanager_url="http://127.0.0.1:$alertmanager_port"
target="deployment/fintech-services/auth-service"
rule="fintech-service-not-responding"

step() { printf '\n==> %s\n' "$*"; }
say() { printf '    %s\n' "$*"; }
fail() {
  printf '\ndemo: %s\n' "$*" >&2
  failed=true
  exit 1
}

# ---- what runs, and how it is stopped --------------------------------------------------------
pids=()
names=()
failed=false
created_dir=false
work="${DEMO_DIR:-}"

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((${#pids[@]} > 0)); then
    step "Stopping ${names[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # Give each a few seconds to shut down cleanly, then insist.
    for _ in $(seq 1 50); do
      local alive=false
      for pid in "${pids[@]}"; do
        kill -0 "$pid" 2>/dev/null && alive=true
      done
      $alive || break
      sleep 0.2
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  if [[ -n "$work" && -d "$work" ]]; then
    if $failed || ((status != 0)) || $keep || ! $created_dir; then
      say "configurations and logs kept in $work"
    else
      rm -rf "$work"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
# Ctrl-C and `kill` end the demo normally (exit 0): the trap on EXIT does the cleanup.
trap 'printf "\n"; exit 0' INT TERM

start() {
  local name="$1"
  shift
  "$@" >"$work/$name.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
}

# Polls `$@` once a second until it succeeds; fails the demo with $1's description after $timeout s.
wait_for() {
  local what="$1" log="$2"
  shift 2
  for _ in $(seq 1 "$timeout"); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    for i in "${!pids[@]}"; do
      kill -0 "${pids[$i]}" 2>/dev/null || fail "${names[$i]} exited; see ${work}/${names[$i]}.log:
$(tail -n 20 "$work/${names[$i]}.log")"
    done
    sleep 1
  done
  fail "gave up waiting for $what after $timeout s; see $log:
$(tail -n 20 "$log")"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- prerequisites ----------------------------------------------------------------------------
step "Checking prerequisites"
for tool in curl dotnet; do
  command -v "$tool" >/dev/null || fail "$tool is not installed."
done
if ! command -v prometheus >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
  if ((EUID == 0)); then
    say "installing Prometheus and Alertmanager from Debian's packages (tests/servers/install.sh)"
    bash "$repo/tests/servers/install.sh"
  else
    fail "Prometheus and Alertmanager are not installed: run 'sudo bash tests/servers/install.sh' (Debian's prometheus and prometheus-alertmanager)."
  fi
fi
for port in "$engine_port" "$prometheus_port" "$alertmanager_port"; do
  port_in_use "$port" && fail "127.0.0.1:$port is already in use. Stop what listens there, or choose other ports (DEMO_ENGINE_PORT, DEMO_PROMETHEUS_PORT, DEMO_ALERTMANAGER_PORT)."
done
say "prometheus $(prometheus --version 2>&1 | head -n 1 | awk '{print $3}'), alertmanager $(prometheus-alertmanager --version 2>&1 | head -n 1 | awk '{print $3}'), dotnet $(dotnet --version)"

if [[ -z "$work" ]]; then
  work="$(mktemp -d -t remediator-demo.XXXXXX)"
  created_dir=true
fi
mkdir -p "$work/engine" "$work/alertmanager" "$work/prometheus"

engine_dll="${REMEDIATOR_ENGINE_DLL:-}"
if [[ -z "$engine_dll" ]]; then
  step "Building the engine (dotnet build src/Remediator)"
  dotnet build "$repo/src/Remediator/Remediator.csproj" -c Debug --nologo -v quiet >"$work/build.log" 2>&1 ||
    fail "the build failed; see $work/build.log:
$(tail -n 20 "$work/build.log")"
  engine_dll="$(ls "$repo"/src/Remediator/bin/Debug/net*/remediator.dll | head -n 1)"
fi
[[ -f "$engine_dll" ]] || fail "no engine assembly at $engine_dll"

# One token for the webhook (Alertmanager -> engine), one for the API; fresh for every run.
webhook_token="demo-webhook-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
api_token="demo-api-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$webhook_token" >"$work/alertmanager/webhook-token"
chmod 600 "$work/alertmanager/webhook-token"

# ---- the engine -------------------------------------------------------------------------------
step "Starting Remediator on $engine_url (dry run, shipped rules from rules/)"
(
  cd "$work/engine"
  export ASPNETCORE_URLS="$engine_url"
  export Remediator__Rules__Path="$repo/rules"
  export Remediator__Webhook__BearerToken="$webhook_token"
  export Remediator__Api__BearerToken="$api_token"
  # No cluster: plan and record, change nothing.
  export Remediator__Kubernetes__Mode=DryRun
  export Remediator__Guards__DryRun=true
  export Remediator__Persistence__ConnectionString="Data Source=$work/engine/remediator.db"
  export Remediator__Prometheus__Url="$prometheus_url"
  # Reads the firing alerts back from Alertmanager (started next): at start-up, every 15 s, and at
  # once when a notification was cut by max_alerts (docs/alertmanager.md).
  export Remediator__Reconcile__Alertmanagers__0__Url="$alertmanager_url/"
  export Remediator__Reconcile__Receivers__0=remediator
  export Remediator__Reconcile__Interval=00:00:15
  exec dotnet "$engine_dll"
) >"$work/engine.log" 2>&1 &
pids+=("$!")
names+=("engine")
wait_for "the engine's /healthz" "$work/engine.log" curl -fsS "$engine_url/healthz"
say "healthy"

# ---- Alertmanager -----------------------------------------------------------------------------
step "Starting Alertmanager on $alertmanager_url"
cat >"$work/alertmanager/alertmanager.yml" <<EOF
# The demo's Alertmanager: every alert to the engine, at once (group_wait 1s).
route:
  receiver: remediator
  group_by: [alertname, namespace, service]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 4h
receivers:
  - name: remediator
    webhook_configs:
      - url: $engine_url/api/v1/alerts
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials_file: $work/alertmanager/webhook-token
EOF
start alertmanager prometheus-alertmanager \
  --config.file="$work/alertmanager/alertmanager.yml" \
  --storage.path="$work/alertmanager/data" \
  --web.listen-address="127.0.0.1:$alertmanager_port" \
  --cluster.listen-address=
wait_for "Alertmanager to be ready" "$work/alertmanager.log" curl -fsS "$alertmanager_url/-/ready"
say "ready"

# ---- Prometheus -------------------------------------------------------------------------------
step "Starting Prometheus on $prometheus_url"
cat >"$work/prometheus/demo-alert.yml" <<'EOF'
# The demo's alert: fires at once, labelled as the fintech services' ServiceNotResponding for
# auth-service (deploy/prometheus/alerts.yml has the real expression).
groups:
  - name: demo
    rules:
      - alert: ServiceNotResponding
        expr: vector(1)
        labels:
          namespace: fintech-services
          service: auth-service
          job: auth-service
          severity: critical
          team: fintech
        annotations:
          summary: auth-service is not responding (demo)
          description: A demo alert that always fires; Remediator's dry run shows what it would do.
EOF
cat >"$work/prometheus/prometheus.yml" <<EOF
# The demo's Prometheus: short intervals so the alert travels in seconds.
global:
  scrape_interval: 5s
  evaluation_interval: 2s
rule_files:
  - $work/prometheus/demo-alert.yml
  # The shipped alert rules, to browse (their metrics do not exist here, so they stay silent).
  - $repo/deploy/prometheus/alerts.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$alertmanager_port"]
scrape_configs:
  - job_name: remediator
    static_configs:
      - targets: ["127.0.0.1:$engine_port"]
  - job_name: alertmanager
    static_configs:
      - targets: ["127.0.0.1:$alertmanager_port"]
EOF
# resend-delay: Prometheus finds its Alertmanager a few seconds after start; an alert first sent
# before that is lost and only re-sent after this delay (default 1m).
start prometheus prometheus \
  --config.file="$work/prometheus/prometheus.yml" \
  --storage.tsdb.path="$work/prometheus/data" \
  --web.listen-address="127.0.0.1:$prometheus_port" \
  --rules.alert.resend-delay=5s
wait_for "Prometheus to be ready" "$work/prometheus.log" curl -fsS "$prometheus_url/-/ready"
say "ready"

# ---- the alert's journey ----------------------------------------------------------------------
step "Following the alert"
# Plain grep over the JSON answers: no jq needed.
wait_for "Prometheus to fire ServiceNotResponding" "$work/prometheus.log" \
  bash -c "curl -fsS '$prometheus_url/api/v1/alerts' | grep -q '\"alertname\":\"ServiceNotResponding\".*\"state\":\"firing\"'"
say "1. Prometheus fires ServiceNotResponding{namespace=\"fintech-services\", service=\"auth-service\"}"
wait_for "Alertmanager to receive the alert" "$work/alertmanager.log" \
  bash -c "curl -fsS '$alertmanager_url/api/v2/alerts?filter=alertname%3D%22ServiceNotResponding%22' | grep -q auth-service"
say "2. Alertmanager has it and notifies the engine's webhook"
remediations="$engine_url/api/v1/remediations?target=$target"
list_remediation() {
  curl -fsS -H "Authorization: Bearer $api_token" "$remediations" | grep -q "\"ruleName\":\"$rule\""
}
wait_for "the engine to plan a remediation for $target" "$work/engine.log" list_remediation
run="$(curl -fsS -H "Authorization: Bearer $api_token" "$remediations")"
id="$(grep -o '"id":"[^"]*"' <<<"$run" | head -n 1 | cut -d'"' -f4)"
state="$(grep -o '"state":"[^"]*"' <<<"$run" | head -n 1 | cut -d'"' -f4)"
say "3. Remediator matched rule $rule and recorded remediation $id (state $state, dry run)"

cat <<EOF

Remediator planned a remediation: restart $target (dry run, nothing changed).

  Dashboard          $engine_url/
  The run (API)      curl -s -H 'Authorization: Bearer $api_token' $engine_url/api/v1/remediations/$id
  All runs (API)     curl -s -H 'Authorization: Bearer $api_token' '$engine_url/api/v1/remediations'
  Loaded rules       curl -s -H 'Authorization: Bearer $api_token' $engine_url/api/v1/rules
  Prometheus alerts  $prometheus_url/alerts
  Alertmanager       $alertmanager_url/#/alerts
  Logs               $work/{engine,prometheus,alertmanager}.log (removed on exit unless --keep)
  API token          $api_token
EOF

if $once; then
  exit 0
fi
printf '\nPress Ctrl-C to stop the demo.\n'
# `wait` (unlike a foreground sleep) returns as soon as a signal arrives, so Ctrl-C is immediate.
sleep infinity &
pids+=("$!")
names+=("timer")
wait "$!"

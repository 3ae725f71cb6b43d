#!/usr/bin/env bash
# Browser benchmark of the change calendar page at scale (not part of
# scripts/test.sh): about BENCH_MONTH_TARGET changes planned in one month
# across BENCH_SERVICES catalog components. Builds the app, starts the
# simulators in scale mode (ServiceNow holding most changes, Jira a tenth),
# writes the scale world's catalog and points the backend at it
# (app-config.yaml + app-config.e2e.yaml + app-config.bench-calendar.yaml,
# in-memory SQLite), waits for the sync and the mapping, then measures the
# month, week and agenda views and the month → week switch in headless
# Chromium (packages/app/e2e/bench/calendarPage.ts). Logs and screenshots
# go to test-results/bench-calendar/.
#
#   BENCH_MONTH=YYYY-MM       the month to show (default: the last whole month)
#   BENCH_MONTH_TARGET=N      changes in that month (default 10000)
#   BENCH_SERVICES=N          catalog components (default 2000)
#   BENCH_INCIDENTS=N         incidents, which only the sync reads (default 2000)
#   BENCH_RUNS=N              loads per view (default 5)
#   BENCH_NOW=ISO             the simulators' stopped clock (default: now, to
#                             the minute); the same value gives the same world
#   E2E_SKIP_BUILD=1          reuse packages/app/dist
#   E2E_CHROMIUM=PATH         browser (default /usr/bin/chromium)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/e2e-stack.sh"
out="$ITOPS_ROOT/test-results/bench-calendar"
itops_stack_init "$out" "calendar page benchmark"

services=${BENCH_SERVICES:-2000}
target=${BENCH_MONTH_TARGET:-10000}
incidents=${BENCH_INCIDENTS:-2000}
now=${BENCH_NOW:-$(date -u +%Y-%m-%dT%H:%M:00Z)}
# The simulators spread changes over the 90 days before their clock, so the
# month must end before it and begin well after its start. The last whole
# month does, unless it ended under two days ago: planned starts lie up to
# two days before their update slot, which would leave its end thin.
if [ -z "${BENCH_MONTH:-}" ]; then
  if [ "$(date -u -d "$now" +%-d)" -gt 2 ]; then
    BENCH_MONTH=$(date -u -d "$(date -u -d "$now" +%Y-%m-01) -1 month" +%Y-%m)
  else
    BENCH_MONTH=$(date -u -d "$(date -u -d "$now" +%Y-%m-01) -2 month" +%Y-%m)
  fi
fi
month_days=$(date -u -d "$BENCH_MONTH-01 +1 month -1 day" +%-d)
# A month of D days holds D/90 of the changes; a tenth of them in Jira.
changes=$(((target * 90 + month_days - 1) / month_days))
jira_changes=$((changes / 10))
jira_incidents=$((incidents / 10))
export BENCH_MONTH BENCH_MONTH_TARGET=$target BENCH_CATALOG="$out/catalog.yaml"

itops_stack_build_app

export E2E_SERVICENOW_PORT=$(itops_stack_free_port) E2E_JIRA_PORT=$(itops_stack_free_port)
export E2E_VEEAM_PORT=$(itops_stack_free_port) E2E_BACKEND_PORT=$(itops_stack_free_port)
export E2E_BASE_URL="http://localhost:$E2E_BACKEND_PORT"

echo "== simulators at $now: $services services, $((changes - jira_changes)) ServiceNow and $jira_changes Jira changes over 90 days ($BENCH_MONTH: about $target)"
# Two processes, because the scale sizes are per process: ServiceNow writes
# the catalog, whose components are also the Jira scale world's.
itops_stack_start servicenow packages/simulator "${ITOPS_NODE_TS[@]}" src/cli.ts \
  --systems servicenow --servicenow-port "$E2E_SERVICENOW_PORT" --now "$now" \
  --services "$services" --changes "$((changes - jira_changes))" \
  --incidents "$((incidents - jira_incidents))" --backup-jobs 0 --backup-sessions 0 \
  --write-catalog "$BENCH_CATALOG"
itops_stack_start jira-veeam packages/simulator "${ITOPS_NODE_TS[@]}" src/cli.ts \
  --systems jira,veeam --jira-port "$E2E_JIRA_PORT" --veeam-port "$E2E_VEEAM_PORT" \
  --now "$now" --services "$services" --changes "$jira_changes" \
  --incidents "$jira_incidents" --backup-jobs 0 --backup-sessions 0
itops_stack_await_log servicenow '^Simulators up'
itops_stack_await_log jira-veeam '^Simulators up'

echo "== backend and app on $E2E_BASE_URL"
itops_stack_start backend packages/backend "${ITOPS_NODE_TS[@]}" src/index.ts \
  --config ../../app-config.yaml --config ../../app-config.e2e.yaml \
  --config ../../app-config.bench-calendar.yaml

echo "== load: $(uptime)"
if ! E2E_OUTPUT_DIR="$out" "${ITOPS_NODE_TS[@]}" packages/app/e2e/bench/calendarPage.ts; then
  tail -40 "$out/backend.log" >&2
  exit 1
fi
echo "== load: $(uptime)"

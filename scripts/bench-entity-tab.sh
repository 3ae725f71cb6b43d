#!/usr/bin/env bash
# Browser benchmark of a service's ITOps tab on the production build (not
# part of scripts/test.sh): builds the app, starts the seeded simulators and
# the backend as scripts/e2e.sh does (app-config.yaml + app-config.e2e.yaml,
# in-memory SQLite), waits for the first sync, then loads the tab in
# headless Chromium and prints median / p95 of the time to every card
# painted with its data, the API requests and their waterfall
# (packages/app/e2e/bench/entityTab.ts). It builds packages/app/dist like
# the e2e, so run it as `flock /tmp/itops-e2e.lock scripts/bench-entity-tab.sh`.
# Logs and a screenshot go to test-results/bench-entity-tab/.
#
#   BENCH_ENTITY=kind/name  the tab (default component/payments-api)
#   BENCH_RUNS=N            measured loads, after one warm-up (default 15)
#   E2E_SKIP_BUILD=1        reuse packages/app/dist
#   E2E_CHROMIUM=PATH       browser (default /usr/bin/chromium)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/e2e-stack.sh"
out="$ITOPS_ROOT/test-results/bench-entity-tab"
itops_stack_init "$out" "entity tab benchmark"
itops_stack_build_app

export E2E_SERVICENOW_PORT=$(itops_stack_free_port) E2E_JIRA_PORT=$(itops_stack_free_port)
export E2E_VEEAM_PORT=$(itops_stack_free_port) E2E_BACKEND_PORT=$(itops_stack_free_port)
export E2E_BASE_URL="http://localhost:$E2E_BACKEND_PORT"

echo "== simulators on ports $E2E_SERVICENOW_PORT, $E2E_JIRA_PORT, $E2E_VEEAM_PORT"
# Not --live: a steady world, so that loads differ only in timing.
itops_stack_start simulators packages/simulator "${ITOPS_NODE_TS[@]}" src/cli.ts \
  --servicenow-port "$E2E_SERVICENOW_PORT" --jira-port "$E2E_JIRA_PORT" \
  --veeam-port "$E2E_VEEAM_PORT"

echo "== backend and app on $E2E_BASE_URL"
itops_stack_start backend packages/backend "${ITOPS_NODE_TS[@]}" src/index.ts \
  --config ../../app-config.yaml --config ../../app-config.e2e.yaml

echo "== waiting for the first sync"
if ! "${ITOPS_NODE_TS[@]}" packages/app/e2e/waitForData.ts; then
  tail -40 "$out/backend.log" >&2
  exit 1
fi

echo "== load: $(uptime)"
if ! E2E_OUTPUT_DIR="$out" "${ITOPS_NODE_TS[@]}" packages/app/e2e/bench/entityTab.ts; then
  tail -40 "$out/backend.log" >&2
  exit 1
fi
echo "== load: $(uptime)"

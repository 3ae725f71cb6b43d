#!/usr/bin/env bash
# Browser end-to-end test of the demo: builds the app, starts the ServiceNow,
# Jira and Veeam simulators and the backend (serving the built app,
# in-memory SQLite, app-config.yaml + app-config.e2e.yaml) on free ports,
# waits for the first sync, then runs packages/app/e2e/specs/*.spec.ts in
# headless Chromium. Screenshots and logs go to test-results/e2e/. Stops
# everything it started, also on failure.
#
#   E2E_SKIP_BUILD=1   reuse packages/app/dist
#   E2E_SPECS=a,b      run only these specs (their `name`s)
#   E2E_CHROMIUM=PATH  browser (default /usr/bin/chromium)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/e2e-stack.sh"
out="$ITOPS_ROOT/test-results/e2e"
itops_stack_init "$out" e2e
itops_stack_build_app

export E2E_SERVICENOW_PORT=$(itops_stack_free_port) E2E_JIRA_PORT=$(itops_stack_free_port)
export E2E_VEEAM_PORT=$(itops_stack_free_port) E2E_BACKEND_PORT=$(itops_stack_free_port)
export E2E_BASE_URL="http://localhost:$E2E_BACKEND_PORT"

echo "== simulators on ports $E2E_SERVICENOW_PORT, $E2E_JIRA_PORT, $E2E_VEEAM_PORT"
itops_stack_start simulators packages/simulator "${ITOPS_NODE_TS[@]}" src/cli.ts --live \
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

echo "== browser tests"
E2E_OUTPUT_DIR="$out" "${ITOPS_NODE_TS[@]}" packages/app/e2e/run.ts

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
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/chromium.sh"
itops_provision_node
itops_provision_yarn
ITOPS_CHROMIUM="${E2E_CHROMIUM:-$ITOPS_CHROMIUM}"
itops_require_chromium
export E2E_CHROMIUM="$ITOPS_CHROMIUM"
# A full install only on a fresh checkout; scripts/test.sh installs first.
[ -d "$ITOPS_ROOT/node_modules" ] || itops_install_dependencies
cd "$ITOPS_ROOT"

out="$ITOPS_ROOT/test-results/e2e"
rm -rf "$out"
mkdir -p "$out"
node_ts=(node --require @backstage/cli/config/nodeTransform.cjs)

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Each service runs in a process group of its own, so that stopping it
# also stops whatever it spawned.
groups=()
stop_all() {
  local status=$?
  for pgid in "${groups[@]}"; do
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done
  for pgid in "${groups[@]}"; do
    for _ in $(seq 50); do
      kill -0 -- "-$pgid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    echo "e2e failed; logs and screenshots in $out" >&2
  fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

start() { # start NAME DIR CMD...: runs CMD in DIR, logging to $out/NAME.log
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && exec setsid "$@") >"$out/$name.log" 2>&1 &
  groups+=("$!")
}

if [ "${E2E_SKIP_BUILD:-}" != 1 ] || [ ! -f packages/app/dist/index.html ]; then
  echo "== build app"
  yarn workspace app build >"$out/build.log" 2>&1 || {
    tail -50 "$out/build.log" >&2
    exit 1
  }
fi

export E2E_SERVICENOW_PORT=$(free_port) E2E_JIRA_PORT=$(free_port)
export E2E_VEEAM_PORT=$(free_port) E2E_BACKEND_PORT=$(free_port)
export E2E_BASE_URL="http://localhost:$E2E_BACKEND_PORT"

echo "== simulators on ports $E2E_SERVICENOW_PORT, $E2E_JIRA_PORT, $E2E_VEEAM_PORT"
start simulators packages/simulator "${node_ts[@]}" src/cli.ts --live \
  --servicenow-port "$E2E_SERVICENOW_PORT" --jira-port "$E2E_JIRA_PORT" \
  --veeam-port "$E2E_VEEAM_PORT"

echo "== backend and app on $E2E_BASE_URL"
start backend packages/backend "${node_ts[@]}" src/index.ts \
  --config ../../app-config.yaml --config ../../app-config.e2e.yaml

echo "== waiting for the first sync"
if ! "${node_ts[@]}" packages/app/e2e/waitForData.ts; then
  tail -40 "$out/backend.log" >&2
  exit 1
fi

echo "== browser tests"
E2E_OUTPUT_DIR="$out" "${node_ts[@]}" packages/app/e2e/run.ts

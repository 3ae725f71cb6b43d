#!/usr/bin/env bash
# Starts the demo: the ServiceNow, Jira and Veeam simulators (live mode, on
# ports 7081-7083), the Backstage backend (http://localhost:7007, in-memory
# SQLite) and app (http://localhost:3000) with the example catalog.
# Arguments go to `yarn start`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
itops_provision
cd "$ITOPS_ROOT"

yarn workspace @backstage-itops/simulator start --live &
simulators=$!
trap 'kill "$simulators" 2>/dev/null || true' EXIT INT TERM

yarn start "$@"

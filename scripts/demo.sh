#!/usr/bin/env bash
# Starts the demo: the Backstage app (http://localhost:3000) and backend
# (http://localhost:7007) on in-memory SQLite with the example catalog.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
itops_provision
cd "$ITOPS_ROOT"
exec yarn start "$@"

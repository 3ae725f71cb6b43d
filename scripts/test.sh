#!/usr/bin/env bash
# The whole test suite: type-check, lint, every jest test of the repo, then
# the browser end-to-end test of the demo (scripts/e2e.sh). Database tests
# run on SQLite and on the local PostgreSQL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
itops_provision
source "$ITOPS_ROOT/scripts/postgres.sh"
itops_require_postgres

cd "$ITOPS_ROOT"
export CI="${CI:-true}"
echo "== package metadata" && yarn backstage-cli repo fix --publish --check
echo "== type-check" && yarn tsc
echo "== lint" && yarn lint:all
echo "== tests" && yarn backstage-cli repo test "$@"
echo "== end-to-end" && "$ITOPS_ROOT/scripts/e2e.sh"

#!/usr/bin/env bash
# The whole test suite: type-check, lint, then every jest test of the repo.
# Database tests run on SQLite and on the local PostgreSQL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
itops_provision
source "$ITOPS_ROOT/scripts/postgres.sh"
itops_require_postgres

cd "$ITOPS_ROOT"
export CI="${CI:-true}"
echo "== type-check" && yarn tsc
echo "== lint" && yarn lint:all
echo "== tests" && yarn backstage-cli repo test "$@"

#!/usr/bin/env bash
# The whole test suite: package metadata and API reports, type-check, lint,
# every jest test of the repo, the install test (the packed plugins in a
# fresh create-app app, scripts/install-test.sh), then the browser
# end-to-end test of the demo (scripts/e2e.sh). Database tests run on SQLite
# and on the local PostgreSQL. Each phase prints its wall time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
suite_started=$(date +%s)
itops_provision
source "$ITOPS_ROOT/scripts/postgres.sh"
itops_require_postgres

cd "$ITOPS_ROOT"
export CI="${CI:-true}"

phase() {
  local name=$1 started status=0
  shift
  echo "== $name"
  started=$(date +%s)
  "$@" || status=$?
  echo "== $name: $([ "$status" -eq 0 ] && echo passed || echo "FAILED ($status)") in $(($(date +%s) - started))s"
  return "$status"
}

echo "== provisioning done in $(($(date +%s) - suite_started))s"
phase "package metadata" yarn backstage-cli repo fix --publish --check
phase "type-check" yarn tsc
# Reads dist-types/ from the type-check; fails when a public API changed
# without its report.api.md (run scripts/api-reports.sh and commit).
phase "API reports" ./scripts/api-reports.sh --ci
phase "config schema" yarn backstage-cli config:check --lax
phase "lint" yarn lint:all
phase "tests" yarn backstage-cli repo test "$@"
phase "install test" env INSTALL_TEST_SKIP_TSC=1 INSTALL_TEST_FRONTEND_BUILD=1 "$ITOPS_ROOT/scripts/install-test.sh"
phase "end-to-end" "$ITOPS_ROOT/scripts/e2e.sh"

# Every server a phase started (simulators, backends, the app) must be gone:
# a process of this checkout still listening on a port is a leak.
leaked_listeners() {
  command -v ss >/dev/null || { echo "ss missing; listener check skipped"; return 0; }
  local pid leaks=""
  for pid in $(ss -Htlnp | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    [ "$pid" != $$ ] || continue
    if [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$ITOPS_ROOT"* ]] ||
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$ITOPS_ROOT"; then
      leaks+="$(tr '\0' ' ' <"/proc/$pid/cmdline") (pid $pid)"$'\n'
    fi
  done
  [ -z "$leaks" ] || { printf 'still listening:\n%s' "$leaks" >&2; return 1; }
}
phase "no leaked listeners" leaked_listeners
echo "== all phases passed in $(($(date +%s) - suite_started))s"

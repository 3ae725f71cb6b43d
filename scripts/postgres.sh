#!/usr/bin/env bash
# Makes the machine's PostgreSQL available to Backstage's TestDatabases through
# BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING (there is no Docker
# here for TestDatabases to fall back on). Sourced by test.sh.

ITOPS_PG_HOST="${ITOPS_PG_HOST:-127.0.0.1}"
ITOPS_PG_PORT="${ITOPS_PG_PORT:-5432}"
ITOPS_PG_USER="${ITOPS_PG_USER:-postgres}"

itops_pg_ready() {
  pg_isready -q -h "$ITOPS_PG_HOST" -p "$ITOPS_PG_PORT" 2>/dev/null
}

itops_start_local_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  local version
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  done
  local i
  for i in $(seq 1 20); do itops_pg_ready && return 0; sleep 0.5; done
  return 1
}

itops_require_postgres() {
  if ! itops_pg_ready && ! itops_start_local_postgres; then
    if [ "${CI:-}" = "true" ]; then
      echo "PostgreSQL is not reachable at $ITOPS_PG_HOST:$ITOPS_PG_PORT; database tests must run on it in CI." >&2
      return 1
    fi
    echo "WARNING: PostgreSQL is not reachable; database tests run on SQLite only." >&2
    return 0
  fi
  local major
  major=$(psql -h "$ITOPS_PG_HOST" -p "$ITOPS_PG_PORT" -U "$ITOPS_PG_USER" -d postgres -Atc 'show server_version_num' | cut -c1-2)
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=postgresql://$ITOPS_PG_USER@$ITOPS_PG_HOST:$ITOPS_PG_PORT"
  echo "PostgreSQL $major at $ITOPS_PG_HOST:$ITOPS_PG_PORT is used for database tests." >&2
}

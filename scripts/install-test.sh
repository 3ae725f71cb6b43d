#!/usr/bin/env bash
# Install test: the ITOps packages as an adopter gets them from the registry.
# Builds and packs every publishable plugin (yarn pack, which runs
# backstage-cli package prepack), scaffolds a fresh app with
# @backstage/create-app, installs the tarballs into it (file: dependencies,
# resolutions for the packages they depend on), adds the backend plugin and
# the three source modules with backend.add(import(...)) and the frontend
# plugin through feature discovery, type-checks and builds the backend, then
# starts that backend on SQLite against the simulators and checks health, a
# sync that stores records and the entity API. Fails when a tarball lacks a
# file the packages need at run time (dist, config.d.ts, migrations/), when
# the production install pulls @backstage/backend-test-utils or
# testcontainers, or when the app's bundle does not include the discovered
# frontend plugin.
#
#   INSTALL_TEST_DIR=PATH      work folder (default test-results/install-test)
#   INSTALL_TEST_SKIP_BUILD=1  reuse the plugins' dist/ folders
#   INSTALL_TEST_SKIP_TSC=1    reuse dist-types/ (scripts/test.sh ran tsc)
#   INSTALL_TEST_REUSE_APP=1   keep the installed app of the last run (debugging)
#   INSTALL_TEST_NO_CACHE=1    do not reuse the last run's node_modules
#   INSTALL_TEST_FRONTEND_BUILD=0  skip the fresh app's frontend build
#
# What keeps it fast: Yarn's global cache (~/.yarn/berry/cache) is shared
# with the monorepo, so only packages the template uses and the monorepo does
# not are downloaded, once; the monorepo's lockfile seeds the app's; the
# native builds the test does not use (keytar for `backstage-cli auth`,
# tree-sitter and its grammars under the template's API docs, ssh2 and
# cpu-features, postinstall banners) are skipped with dependenciesMeta;
# scripts/test.sh reuses its type-check's dist-types/; the fresh app's
# node_modules of the last run is reused (below).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
itops_provision_node
itops_provision_yarn
cd "$ITOPS_ROOT"
[ -d node_modules ] || itops_install_dependencies

CREATE_APP_VERSION=0.9.2
PLUGINS=(itops-common itops-node itops-backend itops-backend-module-servicenow
  itops-backend-module-jira itops-backend-module-veeam itops)
work="${INSTALL_TEST_DIR:-$ITOPS_ROOT/test-results/install-test}"
tarballs="$work/tarballs"
app="$work/app"
started=$(date +%s)
phase() { echo "== install test: $* ($(( $(date +%s) - started ))s)"; }

pids=()
stop_all() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  [ "$status" -eq 0 ] || echo "install test failed; logs in $work" >&2
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ "${INSTALL_TEST_REUSE_APP:-}" != 1 ]; then
# The app is scaffolded anew each run; its node_modules of the last run is
# kept aside as a cache (yarn install then only relinks what changed), since
# removing and rebuilding hundreds of thousands of files costs minutes.
cache="$work/.cache-node_modules"
if [ -d "$app/node_modules" ] && [ "${INSTALL_TEST_NO_CACHE:-}" != 1 ]; then
  rm -rf "$cache"
  mv "$app/node_modules" "$cache"
fi
if [ -d "$work" ]; then
  find "$work" -mindepth 1 -maxdepth 1 ! -name .cache-node_modules -exec rm -rf {} +
fi
mkdir -p "$tarballs"

# --- build and pack ---------------------------------------------------------
if [ "${INSTALL_TEST_SKIP_BUILD:-}" != 1 ]; then
  # The packages' .d.ts come from dist-types/, which `yarn tsc` writes;
  # scripts/test.sh has just run it and sets INSTALL_TEST_SKIP_TSC=1.
  if [ "${INSTALL_TEST_SKIP_TSC:-}" != 1 ]; then
    phase "type declarations (tsc)"
    yarn tsc >"$work/tsc.log" 2>&1 || { tail -30 "$work/tsc.log" >&2; exit 1; }
  fi
  for p in "${PLUGINS[@]}"; do
    phase "build plugins/$p"
    (cd "plugins/$p" && yarn backstage-cli package build) >"$work/build-$p.log" 2>&1 ||
      { status=$?; echo "build of plugins/$p exited $status" >&2; tail -30 "$work/build-$p.log" >&2; exit 1; }
  done
fi
for p in "${PLUGINS[@]}"; do
  phase "pack plugins/$p"
  # yarn pack runs prepack (package.json pointed at dist/) and postpack
  # (restored), and replaces workspace: ranges with versions.
  (cd "plugins/$p" && yarn pack --out "$tarballs/$p.tgz") >"$work/pack-$p.log" 2>&1 ||
    { tail -30 "$work/pack-$p.log" >&2; exit 1; }
done
# What each package needs at run time, in its tarball: the build, the
# config schema the backend validates against, and the knex migrations the
# plugin runs at start-up (a missing migrations/ only shows once a registry
# install starts, e.g. the Jira module's OAuth token table).
phase "tarball contents"
node - "$tarballs" "${PLUGINS[@]}" <<'JS'
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const [tarballs, ...plugins] = process.argv.slice(2);
const problems = [];
for (const p of plugins) {
  const files = execFileSync('tar', ['-tzf', path.join(tarballs, `${p}.tgz`)], { encoding: 'utf8' })
    .split('\n').map(f => f.replace(/^package\//, ''));
  // The packed package.json: prepack points it at dist/ and turns
  // config.d.ts into config.schema.json.
  const pkg = JSON.parse(execFileSync('tar', ['-xOzf', path.join(tarballs, `${p}.tgz`), 'package/package.json'], { encoding: 'utf8' }));
  const need = ['package.json', 'README.md', 'CHANGELOG.md', 'dist/index.d.ts'];
  if (pkg.configSchema) need.push(pkg.configSchema);
  if (fs.existsSync(path.join('plugins', p, 'migrations'))) {
    for (const m of fs.readdirSync(path.join('plugins', p, 'migrations'))) {
      if (m.endsWith('.js')) need.push(`migrations/${m}`);
    }
  }
  for (const f of need) if (!files.includes(f)) problems.push(`${p}.tgz lacks ${f}`);
  for (const dep of ['@backstage/backend-test-utils', 'testcontainers']) {
    if (pkg.dependencies?.[dep]) problems.push(`${p} depends on ${dep} at run time`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
JS

# --- a fresh app with the tarballs -----------------------------------------
phase "create-app $CREATE_APP_VERSION"
# corepack needs a packageManager field to run Yarn outside the monorepo,
# and create-app checks that Yarn runs.
printf '{ "private": true, "packageManager": "yarn@4.14.1" }\n' >"$work/package.json"
(cd "$work" && echo itops-install-test |
  npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --skip-install --path app) \
  >"$work/create-app.log" 2>&1 || { tail -30 "$work/create-app.log" >&2; exit 1; }

[ ! -d "$cache" ] || mv "$cache" "$app/node_modules"

# The monorepo's lockfile seeds the app's (as create-app's own seed would):
# the same Backstage release, so the shared cache has almost everything.
cp "$ITOPS_ROOT/yarn.lock" "$app/yarn.lock"

node - "$app" "$tarballs" <<'JS'
const fs = require('fs');
const path = require('path');
const [app, tarballs] = process.argv.slice(2);
const edit = (file, fn) => {
  const p = path.join(app, file);
  const json = JSON.parse(fs.readFileSync(p, 'utf8'));
  fn(json);
  fs.writeFileSync(p, `${JSON.stringify(json, null, 2)}\n`);
};
const pkg = p => `@backstage-itops/plugin-${p}`;
const all = ['itops-common', 'itops-node', 'itops-backend',
  'itops-backend-module-servicenow', 'itops-backend-module-jira',
  'itops-backend-module-veeam', 'itops'];
// The tarballs stand in for the registry: the app asks for ^0.1.0 as an
// adopter would, and resolutions point every ITOps package at its tarball.
edit('package.json', json => {
  // Native builds and postinstall scripts nothing in this test runs.
  json.dependenciesMeta = {
    ...json.dependenciesMeta,
    ...Object.fromEntries(['keytar', 'tree-sitter', 'tree-sitter-json',
      '@tree-sitter-grammars/tree-sitter-yaml', 'cpu-features', 'ssh2', 'core-js',
      'core-js-pure', '@scarf/scarf', 'protobufjs'].map(name => [name, { built: false }])),
  };
  // better-sqlite3 12 aborts Node 24 in a statement destructor (the
  // monorepo resolves ^13 for the same reason); an adopter on Node 24 needs
  // this resolution too (README).
  json.resolutions['better-sqlite3'] = '^13.0.3';
  for (const p of all) json.resolutions[pkg(p)] = `file:${path.join(tarballs, `${p}.tgz`)}`;
});
edit('packages/backend/package.json', json => {
  for (const p of ['itops-backend', 'itops-backend-module-servicenow',
    'itops-backend-module-jira', 'itops-backend-module-veeam']) json.dependencies[pkg(p)] = '^0.1.0';
});
edit('packages/app/package.json', json => {
  json.dependencies[pkg('itops')] = '^0.1.0';
});
// The backend plugin and the three modules, as the README tells adopters.
const index = path.join(app, 'packages/backend/src/index.ts');
const source = fs.readFileSync(index, 'utf8').replace(
  /\nbackend\.start\(\);/,
  `
// ITOps
backend.add(import('@backstage-itops/plugin-itops-backend'));
backend.add(import('@backstage-itops/plugin-itops-backend-module-servicenow'));
backend.add(import('@backstage-itops/plugin-itops-backend-module-jira'));
backend.add(import('@backstage-itops/plugin-itops-backend-module-veeam'));

backend.start();`,
);
// The monorepo's lockfile pins the Backstage core it is tested with; the
// template's signals backend needs a newer httpRouter (WebSocket handlers)
// than that seed resolves, and is not what this test is about.
const withoutSignals = source.replace(/\nbackend\.add\(import\('@backstage\/plugin-signals-backend'\)\);/, '');
if (withoutSignals === source) throw new Error(`no signals backend line in ${index}`);
if (!source.includes('plugin-itops-backend-module-veeam')) throw new Error(`no backend.start() in ${index}`);
fs.writeFileSync(index, withoutSignals);
JS

phase "yarn install (fresh app)"
# The seeded lockfile must grow by the app's own packages: with CI set,
# yarn refuses to modify a lockfile unless told that it may.
(cd "$app" && YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install) >"$work/yarn-install.log" 2>&1 ||
  { tail -40 "$work/yarn-install.log" >&2; exit 1; }
fi

# A production install of the plugins must not bring test tooling along
# (the backend plugin's ./testUtils entry has it as an optional peer only).
phase "no test tooling in the install"
for dep in @backstage/backend-test-utils testcontainers; do
  why=$(cd "$app" && yarn why "$dep")
  if [ -n "$why" ]; then
    echo "the fresh app's install pulls $dep:" >&2
    echo "$why" >&2
    exit 1
  fi
done

# --- type-check and build the app -------------------------------------------
phase "tsc (fresh app)"
(cd "$app" && yarn tsc) >"$work/app-tsc.log" 2>&1 || { tail -40 "$work/app-tsc.log" >&2; exit 1; }
phase "build backend (fresh app)"
(cd "$app" && yarn build:backend) >"$work/app-build-backend.log" 2>&1 ||
  { tail -40 "$work/app-build-backend.log" >&2; exit 1; }
if [ "${INSTALL_TEST_FRONTEND_BUILD:-1}" != 0 ]; then
  phase "build frontend (fresh app)"
  (cd "$app" && yarn workspace app build) >"$work/app-build-frontend.log" 2>&1 ||
    { tail -40 "$work/app-build-frontend.log" >&2; exit 1; }
  # app.packages: all makes the build import every plugin package the app
  # depends on, listed in window['__@backstage/discovered__'] by name (the
  # app's own code does not import the plugin).
  if ! grep -rqF --include='*.js' 'name:"@backstage-itops/plugin-itops"' "$app/packages/app/dist/static"; then
    echo "the app's bundle does not include the discovered @backstage-itops/plugin-itops" >&2
    exit 1
  fi
fi

# --- start it against the simulators ----------------------------------------
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
sn_port=$(free_port) jira_port=$(free_port) veeam_port=$(free_port) backend_port=$(free_port)
token=$(node -p "require('crypto').randomBytes(24).toString('base64url')")
cat >"$app/app-config.install-test.yaml" <<YAML
backend:
  baseUrl: http://localhost:$backend_port
  listen: { port: $backend_port }
  database: { client: better-sqlite3, connection: ':memory:' }
  auth:
    externalAccess:
      - type: static
        options: { token: $token, subject: install-test }
catalog:
  rules:
    - allow: [Component, System, Domain, API, Resource, Location, Group, User]
  locations:
    - { type: file, target: $ITOPS_ROOT/examples/org.yaml }
    - { type: file, target: $ITOPS_ROOT/examples/entities.yaml }
itops:
  servicenow:
    instances:
      demo:
        baseUrl: http://localhost:$sn_port
        auth: { username: itops.integration, password: sn-demo-4f7c1a }
  jira:
    sites:
      demo:
        baseUrl: http://localhost:$jira_port
        deployment: cloud
        atlassianApiUrl: http://localhost:$jira_port
        auth: { email: itops@acme.example, apiToken: jira-api-token }
        http: { requestsPerSecond: 100 }
  veeam:
    servers:
      demo:
        baseUrl: http://localhost:$veeam_port
        apiVersion: 1.2-rev1
        username: itops
        password: veeam-password
        http: { requestsPerSecond: 100 }
YAML

start() {
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && exec setsid "$@") >"$work/$name.log" 2>&1 &
  pids+=("$!")
}
phase "simulators on $sn_port, $jira_port, $veeam_port"
start simulators "$ITOPS_ROOT/packages/simulator" \
  node --require @backstage/cli/config/nodeTransform.cjs src/cli.ts --live \
  --servicenow-port "$sn_port" --jira-port "$jira_port" --veeam-port "$veeam_port"
phase "config:check (fresh app)"
(cd "$app" && yarn backstage-cli config:check --lax --config app-config.yaml --config app-config.install-test.yaml) \
  >"$work/config-check.log" 2>&1 || { tail -40 "$work/config-check.log" >&2; exit 1; }
phase "backend (fresh app) on $backend_port"
start backend "$app/packages/backend" \
  node --require @backstage/cli/config/nodeTransform.cjs src/index.ts \
  --config ../../app-config.yaml --config ../../app-config.install-test.yaml

phase "waiting for health, a sync and the entity API"
if ! BASE_URL="http://localhost:$backend_port" TOKEN="$token" BACKEND_PID="${pids[-1]}" \
  TIMEOUT_MS="${INSTALL_TEST_TIMEOUT_MS:-300000}" node "$ITOPS_ROOT/scripts/install-test-checks.js"; then
  tail -60 "$work/backend.log" >&2
  exit 1
fi
phase "passed"

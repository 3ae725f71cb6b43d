#!/usr/bin/env bash
# Provisions what the repo needs on a fresh machine and is sourced by the
# quick-start scripts (demo.sh, test.sh) so that provisioning lives in one place:
#   - Node 22 or 24 (Backstage 1.55 needs it); when the system Node is older,
#     Node 24 comes from the npm package `node@24` into .toolchain/.
#   - Yarn through corepack, at the version pinned by package.json#packageManager.
#   - The workspace's dependencies (`yarn install --immutable`).
# Idempotent: a second run only re-checks.

ITOPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITOPS_TOOLCHAIN="$ITOPS_ROOT/.toolchain"

itops_log() { printf '[toolchain] %s\n' "$*" >&2; }

itops_node_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# The npm package node@24 installs the platform's build as node-<os>-<arch>
# next to a setup helper; only the real build carries include/ headers.
itops_node_dist() {
  local dir
  for dir in "$ITOPS_TOOLCHAIN"/node_modules/node/node_modules/node-*; do
    if [ -x "$dir/bin/node" ] && [ -d "$dir/include/node" ]; then
      echo "$dir"
      return 0
    fi
  done
}

itops_provision_node() {
  mkdir -p "$ITOPS_TOOLCHAIN/bin"
  case ":$PATH:" in
    *":$ITOPS_TOOLCHAIN/bin:"*) ;;
    *) export PATH="$ITOPS_TOOLCHAIN/bin:$PATH" ;;
  esac
  if [ ! -L "$ITOPS_TOOLCHAIN/bin/node" ] && [ "$(itops_node_major)" -ge 22 ]; then
    return 0
  fi
  local dist
  dist=$(itops_node_dist)
  if [ -z "$dist" ]; then
    itops_log "system Node is $(node --version 2>/dev/null || echo missing); installing Node 24 from the npm package node@24"
    npm install --prefix "$ITOPS_TOOLCHAIN" --no-save --no-audit --no-fund node@24 >&2 || return 1
    dist=$(itops_node_dist)
    [ -n "$dist" ] || { itops_log "node@24 did not install a Node build"; return 1; }
  fi
  ln -sf "$dist/bin/node" "$ITOPS_TOOLCHAIN/bin/node"
  # node-gyp builds native modules (better-sqlite3) against these headers;
  # downloading headers from nodejs.org is not possible here.
  export npm_config_nodedir="$dist"
  [ "$(itops_node_major)" -ge 22 ] || { itops_log "could not provision Node >= 22"; return 1; }
}

itops_provision_yarn() {
  local registry
  registry=$(npm config get registry 2>/dev/null)
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  export COREPACK_NPM_REGISTRY="${registry%/}"
  if ! command -v corepack >/dev/null 2>&1; then
    itops_log "corepack missing; installing it from the npm registry"
    npm install --prefix "$ITOPS_TOOLCHAIN" --no-save --no-audit --no-fund corepack >&2 || return 1
    ln -sf "$ITOPS_TOOLCHAIN/node_modules/corepack/dist/corepack.js" "$ITOPS_TOOLCHAIN/bin/corepack"
  fi
  # Shims go into our own bin folder so nothing outside the repo is touched.
  [ -e "$ITOPS_TOOLCHAIN/bin/yarn" ] || corepack enable --install-directory "$ITOPS_TOOLCHAIN/bin" yarn >&2 || return 1
  (cd "$ITOPS_ROOT" && yarn --version >/dev/null) || { itops_log "yarn via corepack failed"; return 1; }
}

itops_install_dependencies() {
  (cd "$ITOPS_ROOT" && yarn install --immutable >&2) || { itops_log "yarn install failed"; return 1; }
}

itops_provision() {
  itops_provision_node && itops_provision_yarn && itops_install_dependencies
}

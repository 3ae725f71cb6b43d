# shellcheck shell=bash
# Sourced by the scripts that drive the built app in Chromium against the
# simulators (scripts/e2e.sh, scripts/bench-calendar-page.sh): provisions
# Node, Yarn and Chromium, builds the app unless asked not to, starts
# services on free ports in process groups of their own and stops them all
# on exit, also on failure.
#
#   itops_stack_init OUT_DIR LABEL  provision, cd to the root, empty OUT_DIR,
#                                   install the exit trap (LABEL names the
#                                   run in the failure message)
#   itops_stack_build_app           yarn workspace app build, unless
#                                   E2E_SKIP_BUILD=1 and a build exists
#   itops_stack_free_port           prints a free local TCP port
#   itops_stack_start NAME DIR CMD  runs CMD in DIR, logging to OUT_DIR/NAME.log
#   itops_stack_await_log NAME RE   waits until NAME's log matches RE; fails
#                                   if NAME exits first
#   ITOPS_NODE_TS                   node with the TypeScript transform
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/chromium.sh"

ITOPS_NODE_TS=(node --require @backstage/cli/config/nodeTransform.cjs)
ITOPS_STACK_OUT=
ITOPS_STACK_LABEL=
ITOPS_STACK_GROUPS=()
declare -A ITOPS_STACK_PIDS=()

itops_stack_init() {
  ITOPS_STACK_OUT=$1
  ITOPS_STACK_LABEL=$2
  itops_provision_node
  itops_provision_yarn
  ITOPS_CHROMIUM="${E2E_CHROMIUM:-$ITOPS_CHROMIUM}"
  itops_require_chromium
  export E2E_CHROMIUM="$ITOPS_CHROMIUM"
  # A full install only on a fresh checkout; scripts/test.sh installs first.
  [ -d "$ITOPS_ROOT/node_modules" ] || itops_install_dependencies
  cd "$ITOPS_ROOT"
  rm -rf "$ITOPS_STACK_OUT"
  mkdir -p "$ITOPS_STACK_OUT"
  trap itops_stack_stop_all EXIT
  trap 'exit 130' INT TERM
}

itops_stack_free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Each service runs in a process group of its own, so that stopping it
# also stops whatever it spawned.
itops_stack_stop_all() {
  local status=$?
  for pgid in "${ITOPS_STACK_GROUPS[@]}"; do
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done
  for pgid in "${ITOPS_STACK_GROUPS[@]}"; do
    for _ in $(seq 50); do
      kill -0 -- "-$pgid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    echo "$ITOPS_STACK_LABEL failed; logs and screenshots in $ITOPS_STACK_OUT" >&2
  fi
  exit "$status"
}

itops_stack_start() {
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && exec setsid "$@") >"$ITOPS_STACK_OUT/$name.log" 2>&1 &
  ITOPS_STACK_GROUPS+=("$!")
  ITOPS_STACK_PIDS[$name]=$!
}

itops_stack_await_log() {
  local name=$1 pattern=$2 log="$ITOPS_STACK_OUT/$1.log"
  until grep -qE "$pattern" "$log"; do
    if ! kill -0 "${ITOPS_STACK_PIDS[$name]}" 2>/dev/null; then
      echo "$name exited:" >&2
      tail -40 "$log" >&2
      return 1
    fi
    sleep 0.2
  done
}

itops_stack_build_app() {
  if [ "${E2E_SKIP_BUILD:-}" != 1 ] || [ ! -f packages/app/dist/index.html ]; then
    echo "== build app"
    yarn workspace app build >"$ITOPS_STACK_OUT/build.log" 2>&1 || {
      tail -50 "$ITOPS_STACK_OUT/build.log" >&2
      exit 1
    }
  fi
}

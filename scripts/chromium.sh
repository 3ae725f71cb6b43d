# shellcheck shell=bash
# Sourced by the end-to-end tests: makes Debian's Chromium available for
# playwright-core (Playwright's own browser download cannot work offline).
ITOPS_CHROMIUM="${ITOPS_CHROMIUM:-/usr/bin/chromium}"

itops_require_chromium() {
  if [ -x "$ITOPS_CHROMIUM" ]; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[chromium] installing Debian's chromium for the end-to-end tests"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
  fi
  if [ ! -x "$ITOPS_CHROMIUM" ]; then
    echo "[chromium] $ITOPS_CHROMIUM is missing: install Debian's chromium package (or set ITOPS_CHROMIUM)" >&2
    return 1
  fi
}

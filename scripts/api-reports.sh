#!/usr/bin/env bash
# API reports (report.api.md) of the published packages, with
# @backstage/repo-tools (API Extractor over dist-types/, so run `yarn tsc`
# first). Without arguments it rewrites the reports; with --ci it fails when
# a committed report differs from the current API.
#
# Undocumented members (ae-undocumented) are not reported, as in the
# Backstage repository. The warnings still listed in a report (exports
# without a release tag, types reachable but not exported) are recorded in
# it, so a change that adds one shows up in the diff.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$ITOPS_ROOT"
yarn backstage-repo-tools api-reports "$@" \
  --allow-all-warnings -o ae-undocumented,ae-wrong-input-file-type \
  plugins/itops-common plugins/itops-node plugins/itops-backend \
  plugins/itops-backend-module-servicenow plugins/itops-backend-module-jira \
  plugins/itops-backend-module-veeam plugins/itops

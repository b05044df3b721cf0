#!/usr/bin/env bash
# Reproduces the pipeline and writes the pull-request report: the one script the PR workflow
# calls and the tests run, so the report step works the same offline as on GitHub.
#
#   scripts/pr-report.sh BASE_REV [OUT_MARKDOWN]     e.g. scripts/pr-report.sh origin/main
#
# RUNNER overrides how the CLI is started (default: npx --no-install runner).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: scripts/pr-report.sh BASE_REV [OUT_MARKDOWN]" >&2
  exit 2
fi
base=$1
out=${2:-reports/pr.md}
read -r -a runner <<<"${RUNNER:-npx --no-install runner}"

if ! git rev-parse --verify --quiet "${base}^{commit}" >/dev/null; then
  echo "pr-report: base revision '${base}' is not in this clone; fetch the history (actions/checkout with fetch-depth: 0, or git fetch origin)" >&2
  exit 2
fi

"${runner[@]}" repro
"${runner[@]}" report --base "$base" --out "$out"
echo "pr-report: wrote ${out}"

#!/usr/bin/env bash
# Time and peak memory of the flagship's data stages (download, clean, rfm, seasonality) at one
# dataset size, in a throw-away project. Usage:
#   bench/scale-data-stages.sh LABEL URL
#   bench/scale-data-stages.sh 1x-real file:///work/shared/data/online-retail.csv.gz
#   bench/scale-data-stages.sh 10x 'sample:?rows=5419090&seed=7'
# Prints the load average before and after, per-stage times from the NDJSON events, and the
# wall time and peak RSS (largest single process: the runner or one of its plugin workers).
set -euo pipefail
label=$1
url=$2
runner_root=${RUNNER_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/scale-$label-XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/pipeline.yaml" <<YAML
stages:
  download:
    uses: download
    with: {url: "$url"}
    outs: [data/raw/transactions.parquet]
  clean:
    uses: clean
    deps: [data/raw/transactions.parquet]
    outs: [data/interim/clean.parquet]
    metrics: [reports/cleaning.json]
  rfm:
    uses: rfm
    deps: [data/interim/clean.parquet]
    outs: [data/features/customers.parquet]
  seasonality:
    uses: seasonality
    deps: [data/interim/clean.parquet]
    outs: [data/features/seasonality.parquet]
YAML
echo "== $label ($url)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$work"
/usr/bin/time -v -o "$work/time.txt" node "$runner_root/runner/bin/runner.js" repro seasonality rfm --json >"$work/events.ndjson"
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
  for (const e of lines.map((l) => JSON.parse(l)))
    if (e.type === "stage") console.log(`stage ${e.stage.padEnd(12)} ${e.outcome.padEnd(7)} ${(e.ms / 1000).toFixed(1)} s`);
' "$work/events.ndjson"
grep -E 'Elapsed|Maximum resident' "$work/time.txt"
du -sh "$work/data/raw" "$work/data/interim" "$work/data/features" | sed 's/^/size /'
node -e 'console.log("clean metrics", require("fs").readFileSync(process.argv[1], "utf8").replace(/\s+/g, " "))' "$work/reports/cleaning.json"

#!/usr/bin/env bash
# Time and peak memory of each of the flagship's data stages (download, clean, rfm, seasonality)
# at one dataset size, in a throw-away project, one stage per runner process so that each peak
# RSS belongs to one stage. Usage:
#   bench/scale-data-stages.sh LABEL URL
#   bench/scale-data-stages.sh 1x-real file:///work/shared/data/online-retail.csv.gz
#   bench/scale-data-stages.sh 10x 'sample:?rows=5419090&seed=7'
# Prints the load average, per stage the runner's own time (NDJSON event), the wall time and the
# peak RSS (largest single process: the runner or its plugin worker), and the sizes on disk.
# A watchdog stops the run (exit 99) if the machine's available memory falls under MIN_FREE_MB
# (default 3000), so a measurement never pushes other work on a shared machine out of memory.
set -euo pipefail
label=$1
url=$2
runner_root=${RUNNER_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
min_free_mb=${MIN_FREE_MB:-3000}
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
echo "== $label ($url) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$work"
total=0
for stage in download clean rfm seasonality; do
  /usr/bin/time -f '%e %M' -o "$work/time.txt" \
    node "$runner_root/runner/bin/runner.js" repro "$stage" --single-item --json >"$work/events.ndjson" &
  pid=$!
  lowest=999999
  while kill -0 "$pid" 2>/dev/null; do
    free_mb=$(awk '/MemAvailable/ {print int($2 / 1024)}' /proc/meminfo)
    ((free_mb < lowest)) && lowest=$free_mb
    if ((free_mb < min_free_mb)); then
      echo "stopped $stage: only $free_mb MB available"
      pkill -TERM -P "$pid" || true
      kill -TERM "$pid" || true
      exit 99
    fi
    sleep 1
  done
  wait "$pid"
  read -r wall peak_kb <"$work/time.txt"
  ms=$(node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    const e = lines.map((l) => JSON.parse(l)).find((e) => e.type === "stage" && e.stage === process.argv[2]);
    console.log(e && e.outcome === "run" ? e.ms : "FAILED:" + (e ? e.outcome : "none"));
  ' "$work/events.ndjson" "$stage")
  printf 'stage %-12s stage %8.1f s  wall %7.1f s  peak RSS %6d MB  min available %6d MB\n' \
    "$stage" "$(echo "$ms / 1000" | bc -l)" "$wall" $((peak_kb / 1024)) "$lowest"
  total=$(echo "$total + $wall" | bc -l)
done
echo "total wall $total s"
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
du -sh "$work/data/raw" "$work/data/interim" "$work/data/features" | sed "s|$work/||; s/^/size /"
node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`rows in ${m.rows_in}, rows out ${m.rows_out}, customers ${m.customers}`)' "$work/reports/cleaning.json"

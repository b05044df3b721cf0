/* global performance, AbortController */
// Child process of bench/ml-bench.mjs: our train + evaluate plugins, from process start to the
// metrics written. Usage: node bench/ml-bench.ours.mjs FEATURE_DIR OUT_DIR
const t0 = performance.now();
const {mkdirSync, mkdtempSync, rmSync} = await import('node:fs');
const {tmpdir} = await import('node:os');
const path = await import('node:path');
const dist = new URL('../dist/', import.meta.url);
const {createStageContext} = await import(
  new URL('runner/src/execution/stage-context.js', dist).href
);
const {default: train} = await import(new URL('plugins/train/index.js', dist).href);
const {default: evaluate} = await import(new URL('plugins/evaluate/index.js', dist).href);
const {withTrainDefaults} = await import(new URL('plugins/train/params.js', dist).href);
const imports = performance.now() - t0;

const [features, out] = process.argv.slice(2);
const phases = {imports};

async function run(plugin, options) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'ml-bench-'));
  const ctx = createStageContext({
    stage: plugin.name,
    root: out,
    outs: [],
    metrics: [],
    plots: [],
    threads: 2,
    signal: new AbortController().signal,
    tmpdir: scratch,
    onLog: (level, message) =>
      process.stderr.write(
        `${((performance.now() - t0) / 1000).toFixed(3)} s ${plugin.name}: ${message}\n`,
      ),
    ...options,
  });
  try {
    await plugin.run(ctx);
  } finally {
    await ctx.close();
    rmSync(scratch, {recursive: true, force: true});
  }
}

mkdirSync(path.join(out, 'reports/plots'), {recursive: true});
const p = (f) => path.join(out, f);
let t = performance.now();
await run(train, {
  params: withTrainDefaults({}),
  deps: ['customers.parquet', 'seasonality.parquet', 'clean.parquet'].map((f) =>
    path.join(features, f),
  ),
  outs: [p('model.json'), p('segments.parquet'), p('recommendations.parquet')],
});
phases.train = performance.now() - t;
t = performance.now();
await run(evaluate, {
  params: {silhouetteSampleSize: 20000},
  deps: [p('model.json'), p('segments.parquet')],
  metrics: [p('reports/metrics.json'), p('reports/silhouette_by_k.json')],
  plots: [p('reports/plots')],
});
phases.evaluate = performance.now() - t;
const {readFileSync} = await import('node:fs');
const metrics = JSON.parse(readFileSync(p('reports/metrics.json'), 'utf8'));
const s = (ms) => ms / 1000;
console.log(
  JSON.stringify({
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, s(v)])),
    total: s(performance.now() - t0),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    cpu: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
    outliers: metrics.outliers,
    components: metrics.components,
    sizes: metrics.sizes,
    silhouette: metrics.silhouette,
  }),
);

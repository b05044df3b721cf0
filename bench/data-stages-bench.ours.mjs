/* global AbortController, performance */
// Child of data-stages-bench.mjs: runs download -> clean -> rfm -> seasonality in this one
// process through createStageContext (as a plugin worker would), then prints a JSON line with
// per-stage times and this process's peak RSS. Usage: node data-stages-bench.ours.mjs URL OUT_DIR THREADS [download-only]
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [url, out, threadsArg, only] = process.argv.slice(2);
const threads = Number(threadsArg ?? 2);
const {createStageContext} = await import(
  path.join(repo, 'dist/runner/src/execution/stage-context.js')
);
const plugin = async (name) =>
  (await import(path.join(repo, `dist/plugins/${name}/index.js`))).default;

function defaults(def) {
  const props = def.params.properties ?? {};
  return Object.fromEntries(
    Object.entries(props)
      .filter(([, s]) => 'default' in s)
      .map(([k, s]) => [k, s.default]),
  );
}

const times = {};
const cpuTimes = {};
const closeTimes = {};
async function stage(name, params, deps, outs, metrics = []) {
  const def = await plugin(name);
  const scratch = mkdtempSync(path.join(tmpdir(), `bench-${name}-`));
  const ctx = createStageContext({
    stage: name,
    params: {...defaults(def), ...params},
    root: repo,
    deps,
    outs,
    metrics,
    plots: [],
    tmpdir: scratch,
    threads,
    signal: new AbortController().signal,
  });
  // A stage's time spans its run, as the runner times it: the worker reports the stage done when
  // `run` settles and only then releases the stage's DuckDB (timed apart, in `closeTimes`).
  const t = performance.now();
  const cpu = process.cpuUsage();
  try {
    await def.run(ctx);
  } finally {
    times[name] = Math.round(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuTimes[name] = Math.round((used.user + used.system) / 1000);
    const closing = performance.now();
    await ctx.close();
    closeTimes[name] = Math.round(performance.now() - closing);
    rmSync(scratch, {recursive: true, force: true});
  }
}

mkdirSync(out, {recursive: true});
const p = (f) => path.join(out, f);
await stage('download', {url}, [], [p('transactions.parquet')]);
if (only !== 'download-only') {
  await stage('clean', {}, [p('transactions.parquet')], [p('clean.parquet')], [p('cleaning.json')]);
  await stage('rfm', {}, [p('clean.parquet')], [p('customers.parquet')]);
  await stage('seasonality', {}, [p('clean.parquet')], [p('seasonality.parquet')]);
}
const all = process.cpuUsage();
console.log(
  JSON.stringify({
    times,
    cpuTimes,
    closeTimes,
    cpuMs: Math.round((all.user + all.system) / 1000),
    sinceStartMs: Math.round(performance.now()),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);

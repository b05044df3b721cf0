import {mkdir, writeFile} from 'node:fs/promises';
import {availableParallelism} from 'node:os';
import path from 'node:path';
import {cachedLock} from '../../execution/cached-lock.js';
import {metricVersusParam, parallelCoordinates} from '../../experiments/experiment-plots.js';
import {ExperimentStore, type ExperimentRecord} from '../../experiments/experiment-store.js';
import {experimentTable} from '../../experiments/experiment-table.js';
import {intOption, parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan} from '../load-plan.js';
import {EXIT, out, UsageError} from '../output.js';

/** Metrics a reader most likely wants on a plot, in this order, when none is named. */
const PREFERRED_METRICS = ['silhouette', 'davies_bouldin', 'calinski_harabasz', 'inertia'];
const EXPS_PREFIX = 'exps/';

/** `exp push`, `exp pull` (through the default remote) and `exp plot`. */
export async function expShare(
  sub: 'push' | 'pull' | 'plot',
  argv: readonly string[],
  cwd: string,
): Promise<number> {
  const {values, positionals} = parse(`exp ${sub}`, argv, {
    ...PIPELINE_OPTIONS,
    remote: {type: 'string', short: 'r'},
    jobs: {type: 'string', short: 'j'},
    out: {type: 'string', short: 'o'},
    metric: {type: 'string', multiple: true},
    param: {type: 'string'},
  });
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const store = new ExperimentStore(plan.root);
  if (sub === 'plot')
    return plot(
      store,
      positionals,
      values.out ?? 'runner_exp_plots',
      values.metric,
      values.param,
      cwd,
    );

  const {selectRemote} = await import('../../remote/remote-config.js');
  const remote = selectRemote(plan, values.remote);
  if (!remote.ok) throw new UsageError(`runner exp ${sub}: ${remote.error}`);
  const jobs = intOption(`exp ${sub}`, 'jobs', values.jobs, availableParallelism() * 4);
  const {runFetch, runPush} = await import('../../remote/transfer-commands.js');
  if (sub === 'push') {
    const records = positionals.length > 0 ? await pick(store, positionals) : await store.list();
    for (const record of records) {
      const pushed = await runPush({
        root: plan.root,
        lock: cachedLock(record.lock, plan),
        remote: remote.value,
        jobs,
      });
      if (!pushed.ok) throw new UsageError(`runner exp push: ${pushed.error.message}`);
      await remote.value.writeJson(`${EXPS_PREFIX}${record.id}.json`, record);
    }
    out(
      `Pushed ${records.length} experiment${records.length === 1 ? '' : 's'} to ${remote.value.url}.\n`,
    );
    return EXIT.ok;
  }
  const keys: string[] = [];
  for await (const entry of remote.value.list(EXPS_PREFIX)) {
    const id = entry.key.slice(EXPS_PREFIX.length).replace(/\.json$/, '');
    if (positionals.length === 0 || positionals.some((ref) => id.startsWith(ref)))
      keys.push(entry.key);
  }
  let pulled = 0;
  for (const key of keys.sort()) {
    const record = (await remote.value.readJson(key)) as ExperimentRecord | undefined;
    if (!record || record.schema !== 1) continue;
    const fetched = await runFetch({
      root: plan.root,
      lock: cachedLock(record.lock, plan),
      remote: remote.value,
      jobs,
    });
    if (!fetched.ok) throw new UsageError(`runner exp pull: ${fetched.error.message}`);
    await store.save(record);
    pulled++;
  }
  out(`Pulled ${pulled} experiment${pulled === 1 ? '' : 's'} from ${remote.value.url}.\n`);
  return EXIT.ok;
}

async function pick(store: ExperimentStore, refs: readonly string[]): Promise<ExperimentRecord[]> {
  const records: ExperimentRecord[] = [];
  for (const ref of refs) {
    const record = await store.find(ref);
    if (!record)
      throw new UsageError(`runner exp: no experiment "${ref}". See \`runner exp show\`.`);
    records.push(record);
  }
  return records;
}

async function plot(
  store: ExperimentStore,
  refs: readonly string[],
  outDir: string,
  metrics: readonly string[] | undefined,
  param: string | undefined,
  cwd: string,
): Promise<number> {
  const records = refs.length > 0 ? await pick(store, refs) : await store.list();
  if (records.length === 0)
    throw new UsageError('runner exp plot: no experiments yet: run `runner exp run` first.');
  const table = experimentTable(records, {onlyChanged: true});
  const chosenMetrics = metrics?.length
    ? metrics
    : PREFERRED_METRICS.filter((m) => table.metricColumns.includes(m))
        .concat(table.metricColumns.filter((m) => !PREFERRED_METRICS.includes(m)))
        .slice(0, 4);
  const numericParams = table.paramColumns.filter((p) =>
    table.rows.some((r) => typeof r.params[p] === 'number'),
  );
  const xParam = param ?? numericParams[0];
  const specs: {name: string; title: string; spec: Record<string, unknown>}[] = [
    {
      name: 'parallel-coordinates',
      title: 'Params and metrics',
      spec: parallelCoordinates(table, [...numericParams, ...chosenMetrics]),
    },
  ];
  if (xParam && chosenMetrics[0]) {
    specs.push({
      name: `${chosenMetrics[0]}-by-${xParam}`,
      title: `${chosenMetrics[0]} by ${xParam}`,
      spec: metricVersusParam(table, chosenMetrics[0], xParam),
    });
  }
  const {renderSvg, svgToPng} = await import('../../plots/render.js');
  const {plotsHtml} = await import('../../plots/html.js');
  const dir = path.resolve(cwd, outDir);
  await mkdir(dir, {recursive: true});
  const rendered = [];
  for (const s of specs) {
    const file = s.name.replace(/[^a-zA-Z0-9_.-]+/g, '_');
    const svg = await renderSvg(s.spec);
    await writeFile(path.join(dir, `${file}.svg`), svg);
    await writeFile(path.join(dir, `${file}.png`), svgToPng(svg));
    await writeFile(path.join(dir, `${file}.vl.json`), `${JSON.stringify(s.spec, null, 2)}\n`);
    rendered.push({title: s.title, source: `${file}.vl.json`, svg});
    out(`${path.relative(cwd, path.join(dir, `${file}.png`))}\n`);
  }
  await writeFile(path.join(dir, 'index.html'), plotsHtml('Experiments', rendered));
  out(`${path.relative(cwd, path.join(dir, 'index.html'))}\n`);
  return EXIT.ok;
}

import {availableParallelism} from 'node:os';
import path from 'node:path';
import {applyExperiment} from '../../experiments/apply-experiment.js';
import {ExperimentStore, type ExperimentRecord} from '../../experiments/experiment-store.js';
import {
  cell,
  experimentTable,
  toCsv,
  toMarkdown,
  toText,
} from '../../experiments/experiment-table.js';
import {expandGrid} from '../../experiments/grid.js';
import {runExperiments, type Variant} from '../../experiments/run-experiments.js';
import {openWorkspaceState} from '../../execution/workspace-state.js';
import {acquireProjectLock} from '../../lock/project-lock.js';
import {uncachedPaths} from '../../remote/object-set.js';
import {describeReason} from '../../reporters/describe-reason.js';
import {intOption, parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan, pipelineFile} from '../load-plan.js';
import {errOut, EXIT, out, UsageError} from '../output.js';

export const EXP_HELP = `Usage: runner exp <subcommand> [options]

Experiments: runs of the pipeline with other params, each in an isolated workspace (your
working tree is not touched), recorded with their params, metrics and every hash.

  run [-S key=value...] [--name N]     one experiment
  run --grid key=v1,v2 [--grid ...]    the cartesian product, run concurrently within --jobs;
                                       a stage common to several variants runs once
  show [--md|--json|--csv] [--sort KEY[:asc]] [--only-changed] [--precision N]
  diff A B                             params and metrics of two experiments
  apply ID                             its params and outputs into the workspace, without running
  remove ID... | --all
  push [ID...] / pull [ID...]          share experiments through the default remote
  plot [--out DIR]                     parallel-coordinates and metric-versus-param plots

IDs are experiment ids (or a unique prefix of 4+ characters) or names.
`;

export async function exp(argv: readonly string[], cwd: string): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'run':
      return expRun(rest, cwd);
    case 'show':
      return expShow(rest, cwd);
    case 'diff':
      return expDiff(rest, cwd);
    case 'apply':
      return expApply(rest, cwd);
    case 'remove':
      return expRemove(rest, cwd);
    case 'push':
    case 'pull':
    case 'plot': {
      const {expShare} = await import('./exp-share.js');
      return expShare(sub, rest, cwd);
    }
    case undefined:
    case '--help':
    case '-h':
      out(EXP_HELP);
      return sub === undefined ? EXIT.usage : EXIT.ok;
    default:
      throw new UsageError(`runner exp: unknown subcommand "${sub}".\n\n${EXP_HELP}`);
  }
}

async function expRun(argv: readonly string[], cwd: string): Promise<number> {
  const {values} = parse('exp run', argv, {
    ...PIPELINE_OPTIONS,
    grid: {type: 'string', multiple: true},
    name: {type: 'string', short: 'n'},
    jobs: {type: 'string', short: 'j'},
    json: {type: 'boolean'},
  });
  if (values.help) {
    out(EXP_HELP);
    return EXIT.ok;
  }
  const jobs = intOption('exp run', 'jobs', values.jobs, availableParallelism());
  const grid = expandGrid(values.grid ?? []);
  if (!grid.ok) throw new UsageError(`runner exp run: ${grid.error}`);
  const base = values.set ?? [];
  const variants: Variant[] = grid.value.map((sets, i) => ({
    name:
      values.name === undefined
        ? undefined
        : grid.value.length > 1
          ? `${values.name}-${i + 1}`
          : values.name,
    set: [...base, ...sets],
  }));
  const file = pipelineFile(cwd, values.file);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const result = await runExperiments({
      file,
      variants,
      jobs,
      signal: controller.signal,
      emit: (event) => {
        if (values.json) out(`${JSON.stringify(event)}\n`);
        else if (event.type === 'stage') {
          const why = event.reasons.map(describeReason).join('; ');
          out(
            `[${variants[event.variant]?.set.join(' ') || 'baseline'}] ${event.stage}: ${event.outcome}${why ? ` (${why})` : ''}\n`,
          );
        }
      },
    });
    if (!result.ok) {
      const {formatDiagnostics} = await import('../../diagnostics/printer.js');
      errOut(formatDiagnostics(result.diagnostics, {cwd, color: process.stderr.isTTY === true}));
      return EXIT.usage;
    }
    if (controller.signal.aborted) return EXIT.interrupted;
    for (const r of result.records) {
      if (!values.json)
        out(`${r.ok ? 'recorded' : 'FAILED  '} ${r.name} (${r.id}) ${r.overrides.join(' ')}\n`);
    }
    return result.records.every((r) => r.ok) ? EXIT.ok : EXIT.stageFailed;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function expShow(argv: readonly string[], cwd: string): Promise<number> {
  const {values} = parse('exp show', argv, {
    ...PIPELINE_OPTIONS,
    md: {type: 'boolean'},
    json: {type: 'boolean'},
    csv: {type: 'boolean'},
    sort: {type: 'string'},
    'only-changed': {type: 'boolean'},
    precision: {type: 'string'},
  });
  const root = path.dirname(pipelineFile(cwd, values.file));
  const records = await new ExperimentStore(root).list();
  const [key, order] = (values.sort ?? '').split(':');
  const table = experimentTable(records, {
    onlyChanged: values['only-changed'] === true,
    ...(key ? {sort: {key, ascending: order === 'asc'}} : {}),
  });
  const precision = intOption('exp show', 'precision', values.precision, 5);
  if (values.json) out(`${JSON.stringify(table, null, 2)}\n`);
  else if (values.csv) out(toCsv(table));
  else if (values.md) out(toMarkdown(table, precision));
  else if (table.rows.length === 0)
    out('No experiments yet: run `runner exp run --set key=value`.\n');
  else out(toText(table, precision));
  return EXIT.ok;
}

async function find(store: ExperimentStore, ref: string): Promise<ExperimentRecord> {
  const record = await store.find(ref);
  if (!record)
    throw new UsageError(
      `runner exp: no experiment "${ref}". See \`runner exp show\` for ids and names.`,
    );
  return record;
}

async function expDiff(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('exp diff', argv, {
    ...PIPELINE_OPTIONS,
    json: {type: 'boolean'},
  });
  if (positionals.length !== 2)
    throw new UsageError('runner exp diff: give two experiments: runner exp diff A B');
  const store = new ExperimentStore(path.dirname(pipelineFile(cwd, values.file)));
  const [a, b] = await Promise.all([
    find(store, positionals[0] ?? ''),
    find(store, positionals[1] ?? ''),
  ]);
  const rows: {kind: 'param' | 'metric'; key: string; a: unknown; b: unknown}[] = [];
  const table = experimentTable([a, b], {onlyChanged: false});
  const [ra, rb] = table.rows;
  for (const key of table.paramColumns) {
    if (JSON.stringify(ra?.params[key]) !== JSON.stringify(rb?.params[key]))
      rows.push({kind: 'param', key, a: ra?.params[key], b: rb?.params[key]});
  }
  for (const key of table.metricColumns)
    rows.push({kind: 'metric', key, a: ra?.metrics[key], b: rb?.metrics[key]});
  if (values.json) {
    out(`${JSON.stringify({a: a.id, b: b.id, rows}, null, 2)}\n`);
    return EXIT.ok;
  }
  out(`${a.name} (${a.id}) -> ${b.name} (${b.id})\n`);
  for (const row of rows) {
    const delta =
      typeof row.a === 'number' && typeof row.b === 'number'
        ? `  (${row.b - row.a >= 0 ? '+' : ''}${cell(row.b - row.a)})`
        : '';
    out(`${row.kind.padEnd(6)} ${row.key}: ${cell(row.a)} -> ${cell(row.b)}${delta}\n`);
  }
  return EXIT.ok;
}

async function expApply(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('exp apply', argv, PIPELINE_OPTIONS);
  if (positionals.length !== 1)
    throw new UsageError('runner exp apply: give one experiment: runner exp apply ID');
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const root = plan.root;
  const uncached = new Set(uncachedPaths(plan));
  const record = await find(new ExperimentStore(root), positionals[0] ?? '');
  const lock = await acquireProjectLock(path.join(root, '.runner'), {wait: false});
  if (!lock.ok) {
    errOut(
      `Another run (process ${lock.error.pid}) is using this project; try again when it ends.\n`,
    );
    return EXIT.locked;
  }
  try {
    const state = await openWorkspaceState(root);
    if (!state.ok) throw new UsageError(state.error);
    const applied = await applyExperiment(record, state.value, uncached);
    if (!applied.ok) {
      errOut(`runner exp apply: ${applied.error}\n`);
      return EXIT.stageFailed;
    }
    out(
      `Applied ${record.name} (${record.id}): ${applied.value.paramsChanged.length} params changed${applied.value.paramsChanged.length ? ` (${applied.value.paramsChanged.join(', ')})` : ''}, ${applied.value.restored.length} outputs restored from the cache.\n`,
    );
    return EXIT.ok;
  } finally {
    await lock.value.release();
  }
}

async function expRemove(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('exp remove', argv, {
    ...PIPELINE_OPTIONS,
    all: {type: 'boolean'},
  });
  const store = new ExperimentStore(path.dirname(pipelineFile(cwd, values.file)));
  const records = values.all
    ? await store.list()
    : await Promise.all(positionals.map((ref) => find(store, ref)));
  if (records.length === 0)
    throw new UsageError('runner exp remove: give experiment ids, or --all');
  for (const r of records) await store.remove(r.id);
  out(`Removed ${records.length} experiment${records.length === 1 ? '' : 's'}.\n`);
  return EXIT.ok;
}

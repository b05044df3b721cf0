import {intOption, parse, PIPELINE_OPTIONS} from '../cli/args.js';
import {loadPlan} from '../cli/load-plan.js';
import {EXIT, errOut, out, UsageError} from '../cli/output.js';
import type {PipelinePlan} from '../analysis/plan.js';
import type {CombineMode} from '../plots/combine.js';
import {openRemote} from '../remote/open-remote.js';
import type {Result} from '../util/result.js';
import {metricsDiff, metricsShow, paramsDiff} from './commands.js';
import type {DirectionOverrides, MetricDirection} from './direction.js';
import type {ReportProblem} from './failure.js';
import type {OutputFormat} from './format.js';
import {writeReport} from './pr-report.js';
import {fetchFromRemote} from './remote-fetch.js';
import type {FetchObject} from './revision.js';

// CLI adapters with the `(argv, cwd) => exit code` shape of cli/main.ts's COMMANDS table.

const FORMAT_OPTIONS = {
  md: {type: 'boolean'},
  json: {type: 'boolean'},
  precision: {type: 'string'},
} as const;

export const METRICS_HELP = `Usage: runner metrics show [REV] | runner metrics diff [A] [B]

Shows the metrics files the pipeline declares, or compares them between two revisions
(default: HEAD against the workspace). Revisions are git revisions or "workspace"; files git
does not track are read through that revision's pipeline.lock from the cache.

Options:
  -f, --file FILE              pipeline file
      --md                     a markdown table
      --json                   JSON with full values
      --precision N            significant digits in tables (default 5)
      --all                    (diff) list unchanged metrics too
      --lower-is-better KEY    (diff) KEY improves when it falls (repeatable)
      --higher-is-better KEY   (diff) KEY improves when it rises (repeatable)
  -h, --help                   this help
`;

export const PARAMS_HELP = `Usage: runner params diff [A] [B]

Compares params.yaml and every params file a stage uses between two revisions (default: HEAD
against the workspace), as flattened dotted keys.

Options:
  -f, --file FILE   pipeline file
      --all         list unchanged params too
      --md, --json, --precision N   as for metrics
  -h, --help        this help
`;

export const PLOTS_HELP = `Usage: runner plots show [REV] | runner plots diff [A] [B]

Draws the Vega-Lite plots the pipeline declares to PNG and SVG, plus an HTML page with all of
them. diff overlays the revisions (coloured by revision) when the specs allow it, else draws
them side by side.

Options:
  -f, --file FILE     pipeline file
  -o, --out DIR       output folder (default runner_plots)
      --scale N       PNG pixels per SVG unit (default 2)
      --side-by-side  (diff) never overlay
      --md, --json    describe what was written as markdown or JSON
  -h, --help          this help
`;

export const REPORT_HELP = `Usage: runner report --base REV [--out reports/pr.md]

Writes the pull-request report: metrics against the base (with deltas and direction), changed
params, the last run's stage outcomes, the DAG as mermaid, and the plots as PNG files in a
folder beside the markdown. Run \`runner repro\` first.

Options:
  -f, --file FILE     pipeline file
      --base REV      revision to compare with (required), e.g. origin/main
      --head REV      default: the workspace
  -o, --out FILE      markdown file (default reports/pr.md)
      --precision N   significant digits (default 5)
      --side-by-side  never overlay plots
  -h, --help          this help
`;

/** `runner metrics show|diff`. */
export async function metricsCli(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('metrics', argv, {
    ...PIPELINE_OPTIONS,
    ...FORMAT_OPTIONS,
    all: {type: 'boolean'},
    'lower-is-better': {type: 'string', multiple: true},
    'higher-is-better': {type: 'string', multiple: true},
  });
  if (values.help) return help(METRICS_HELP);
  const [sub, ...revs] = positionals;
  if (sub !== 'show' && sub !== 'diff') throw usage('metrics', 'show or diff');
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const common = {root: plan.root, plan, ...remoteFallback(plan), ...formatOf('metrics', values)};
  if (sub === 'show') {
    if (revs.length > 1) throw usage('metrics show', 'at most one revision');
    return print('metrics', await metricsShow({...common, ...optional('rev', revs[0])}));
  }
  if (revs.length > 2) throw usage('metrics diff', 'at most two revisions');
  const directions: Record<string, MetricDirection> = {};
  for (const key of values['lower-is-better'] ?? []) directions[key] = 'lower';
  for (const key of values['higher-is-better'] ?? []) directions[key] = 'higher';
  return print(
    'metrics',
    await metricsDiff({
      ...common,
      ...optional('a', revs[0]),
      ...optional('b', revs[1]),
      all: values.all === true,
      directions: directions as DirectionOverrides,
    }),
  );
}

/** `runner params diff`. */
export async function paramsCli(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('params', argv, {
    ...PIPELINE_OPTIONS,
    ...FORMAT_OPTIONS,
    all: {type: 'boolean'},
  });
  if (values.help) return help(PARAMS_HELP);
  const [sub, ...revs] = positionals;
  if (sub !== 'diff') throw usage('params', 'diff');
  if (revs.length > 2) throw usage('params diff', 'at most two revisions');
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  return print(
    'params',
    await paramsDiff({
      root: plan.root,
      plan,
      ...remoteFallback(plan),
      ...formatOf('params', values),
      ...optional('a', revs[0]),
      ...optional('b', revs[1]),
      all: values.all === true,
    }),
  );
}

/** `runner plots show|diff`. */
export async function plotsCli(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('plots', argv, {
    ...PIPELINE_OPTIONS,
    md: {type: 'boolean'},
    json: {type: 'boolean'},
    out: {type: 'string', short: 'o'},
    scale: {type: 'string'},
    'side-by-side': {type: 'boolean'},
  });
  if (values.help) return help(PLOTS_HELP);
  const [sub, ...revs] = positionals;
  if (sub !== 'show' && sub !== 'diff') throw usage('plots', 'show or diff');
  if (revs.length > (sub === 'show' ? 1 : 2)) throw usage(`plots ${sub}`, 'fewer revisions');
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const {plotsDiff, plotsShow} = await import('../plots/commands.js');
  const common = {
    root: plan.root,
    plan,
    ...remoteFallback(plan),
    format: (values.json ? 'json' : values.md ? 'md' : 'text') as OutputFormat,
    out: values.out ?? 'runner_plots',
    ...optional(
      'scale',
      values.scale === undefined ? undefined : intOption('plots', 'scale', values.scale, 2),
    ),
  };
  const mode: CombineMode = values['side-by-side'] ? 'side-by-side' : 'auto';
  return print(
    'plots',
    sub === 'show'
      ? await plotsShow({...common, ...optional('rev', revs[0])})
      : await plotsDiff({...common, ...optional('a', revs[0]), ...optional('b', revs[1]), mode}),
  );
}

/** `runner report --base REV [--out reports/pr.md]`. */
export async function reportCli(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('report', argv, {
    ...PIPELINE_OPTIONS,
    base: {type: 'string'},
    head: {type: 'string'},
    out: {type: 'string', short: 'o'},
    precision: {type: 'string'},
    'side-by-side': {type: 'boolean'},
  });
  if (values.help) return help(REPORT_HELP);
  if (positionals.length > 0) throw usage('report', 'no positional arguments (use --base REV)');
  if (values.base === undefined) throw usage('report', '--base REV (e.g. --base origin/main)');
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const result = await writeReport({
    root: plan.root,
    plan,
    ...remoteFallback(plan),
    base: values.base,
    ...optional('head', values.head),
    out: values.out ?? 'reports/pr.md',
    ...optional(
      'precision',
      values.precision === undefined
        ? undefined
        : intOption('report', 'precision', values.precision, 5),
    ),
    plotMode: values['side-by-side'] ? 'side-by-side' : 'auto',
  });
  if (!result.ok) return fail('report', result.error);
  const written = result.value;
  out(
    `wrote ${written.markdown} (${written.changedMetrics} metrics changed, ${written.changedParams} params changed, ${written.images.length} plots)\n`,
  );
  return EXIT.ok;
}

/**
 * Objects missing from the local cache come from the default remote, so a fresh clone can
 * still compare with a revision whose outputs it never built. Opened only on a cache miss.
 */
function remoteFallback(plan: PipelinePlan): {fetchObject?: FetchObject} {
  const spec = plan.defaultRemote === undefined ? undefined : plan.remotes.get(plan.defaultRemote);
  if (!spec) return {};
  let fetch: FetchObject | undefined;
  return {
    fetchObject: (id) =>
      (fetch ??= fetchFromRemote(plan.root, openRemote(spec.url, plan.root)))(id),
  };
}

function formatOf(
  command: string,
  values: {md?: boolean; json?: boolean; precision?: string},
): {format: OutputFormat; precision?: number} {
  if (values.md && values.json) throw usage(command, 'either --md or --json, not both');
  const format: OutputFormat = values.json ? 'json' : values.md ? 'md' : 'text';
  return values.precision === undefined
    ? {format}
    : {format, precision: intOption(command, 'precision', values.precision, 5)};
}

function print(command: string, result: Result<string, ReportProblem>): number {
  if (!result.ok) return fail(command, result.error);
  out(result.value);
  return EXIT.ok;
}

function fail(command: string, problem: ReportProblem): number {
  errOut(`runner ${command}: ${problem.message}\n`);
  return problem.reason === 'plot-render-failed' || problem.reason === 'write-failed'
    ? EXIT.stageFailed
    : EXIT.usage;
}

function help(text: string): number {
  out(text);
  return EXIT.ok;
}

function usage(command: string, expected: string): UsageError {
  return new UsageError(
    `runner ${command}: expected ${expected}.\nRun \`runner ${command.split(' ')[0]} --help\` for usage.`,
  );
}

/** `{key: value}` or `{}`, for exactOptionalPropertyTypes. */
function optional<K extends string, V>(key: K, value: V | undefined): {[P in K]?: V} {
  return value === undefined ? {} : ({[key]: value} as {[P in K]?: V});
}

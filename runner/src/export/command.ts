import {mkdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {writeFileAtomic} from '../cache/atomic-write.js';
import {loadPlan} from '../cli/load-plan.js';
import {EXIT, errOut, out, UsageError} from '../cli/output.js';
import {renderAirflowDag} from './airflow.js';
import {DEFAULT_ARGO_IMAGE, renderArgoWorkflow} from './argo.js';
import {
  repositoryRelativePath,
  shellQuote,
  structureInHeader,
  type ExportKind,
  type ExportSource,
} from './export-source.js';
import {DEFAULT_CREDENTIALS_SECRET, renderGithubWorkflow} from './github.js';
import {readStructureHash} from './structure-hash.js';

export const EXPORT_HELP = `Usage: runner export airflow|argo|github [options]

Writes the pipeline's DAG as a workflow of an engine you already run. Every task is the stateless
\`npx runner repro STAGE --single-item --pull --push\`: it pulls its inputs from the remote (or
restores the stage from the remote run-cache), runs that one stage and pushes its results, so
any worker can run any task. The file's header holds a hash of the pipeline's structure.

Options:
  -f, --file FILE            pipeline file (default: pipeline.yaml, else dvc.yaml)
  -o, --out FILE             write the workflow to FILE (default: print it)
      --check                with --out: exit 1 when FILE is not what this command would write
  -r, --remote NAME          remote the tasks share (default: the pipeline's default_remote)
      --name NAME            DAG id / workflow name (default: --out's file name, without extension)
  -h, --help                 this help

airflow (an Airflow 2 DAG):
      --operator bash|kubernetes  BashOperator in a fresh clone (default), or KubernetesPodOperator
      --image IMAGE          image of the pods (kubernetes): the repository, installed
      --schedule SCHEDULE    cron expression or preset such as @daily (default: none, manual)
      --start-date DATE      start_date, YYYY-MM-DD (default 2024-01-01)
argo (an Argo Workflows Workflow):
      --image IMAGE          image of the stage pods (default ${DEFAULT_ARGO_IMAGE})
github (a GitHub Actions workflow, triggered by workflow_dispatch):
      --schedule CRON        also run on this 5-field cron schedule
      --credentials-secret NAME  secret with the remote's service account key (default ${DEFAULT_CREDENTIALS_SECRET})
      --runs-on LABEL        runner label of the jobs (default ubuntu-latest)

Examples:
  runner export airflow --out dags/segmentation.py --schedule @daily
  runner export argo --out argo/segmentation.yaml --image ghcr.io/acme/segmentation:1.4
  runner export github --out .github/workflows/pipeline.yml --check

Exit codes: 0 written (or up to date), 1 --check found the file stale, 2 invalid pipeline or usage.
`;

const OPTIONS = {
  file: {type: 'string', short: 'f'},
  out: {type: 'string', short: 'o'},
  check: {type: 'boolean'},
  remote: {type: 'string', short: 'r'},
  name: {type: 'string'},
  help: {type: 'boolean', short: 'h'},
  operator: {type: 'string'},
  image: {type: 'string'},
  schedule: {type: 'string'},
  'start-date': {type: 'string'},
  'credentials-secret': {type: 'string'},
  'runs-on': {type: 'string'},
} as const;

type OptionName = keyof typeof OPTIONS;

/** Options that only some engines take. */
const ENGINE_OPTIONS: Readonly<Partial<Record<OptionName, readonly ExportKind[]>>> = {
  operator: ['airflow'],
  image: ['airflow', 'argo'],
  schedule: ['airflow', 'github'],
  'start-date': ['airflow'],
  'credentials-secret': ['github'],
  'runs-on': ['github'],
};

const KINDS: readonly ExportKind[] = ['airflow', 'argo', 'github'];

/**
 * `runner export KIND [options]`: `kind` is the word after `export` (validated here), `argv`
 * the rest. Returns the exit code; writes only through the CLI's output helpers.
 */
export async function runExport(
  kind: string,
  argv: readonly string[],
  cwd: string,
): Promise<number> {
  try {
    return await exportCommand(kind, argv, cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      errOut(`${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** `runner export ...` with the kind as the first word of argv, for a table of commands. */
export function exportMain(argv: readonly string[], cwd: string): Promise<number> {
  const [kind = '', ...rest] = argv;
  return runExport(kind, rest, cwd);
}

async function exportCommand(kind: string, argv: readonly string[], cwd: string): Promise<number> {
  if (kind === '--help' || kind === '-h' || kind === 'help') {
    out(EXPORT_HELP);
    return EXIT.ok;
  }
  if (!isKind(kind)) {
    throw new UsageError(
      `runner export: ${kind === '' ? 'say what to export to' : `unknown engine "${kind}"`}: use airflow, argo or github.\nRun \`runner export --help\` for usage.`,
    );
  }
  const values = parseOptions(kind, argv);
  if (values.help) {
    out(EXPORT_HELP);
    return EXIT.ok;
  }
  if (values.check && values.out === undefined) {
    throw new UsageError(`runner export ${kind}: --check compares with a file: add --out FILE.`);
  }
  const rendered = await renderWith(kind, values, cwd);
  if (!rendered) return EXIT.usage;
  const {text, outFile, source, regenerate} = rendered;
  if (!outFile) {
    out(text);
    return EXIT.ok;
  }
  const shown = posixRelative(cwd, outFile);
  if (values.check) return check(outFile, shown, text, source.structure, regenerate);
  await mkdir(path.dirname(outFile), {recursive: true});
  await writeFileAtomic(outFile, text);
  out(
    `Wrote ${shown}: ${source.plan.order.length} tasks, structure ${source.structure.slice(0, 12)}.\n`,
  );
  return EXIT.ok;
}

type Values = ReturnType<typeof parseOptions>;

/** What `runner export KIND ...` writes, and where. */
export interface RenderedExport {
  readonly text: string;
  /** Absolute path from --out; undefined when printing. */
  readonly outFile: string | undefined;
  readonly source: ExportSource;
  /** The command line in the file's header. */
  readonly regenerate: string;
}

/**
 * The file `runner export KIND argv` (run in `cwd`) would write, without writing it. Undefined
 * when the pipeline is invalid (its diagnostics are printed); a UsageError for bad options.
 */
export function renderExport(
  kind: ExportKind,
  argv: readonly string[],
  cwd: string,
): Promise<RenderedExport | undefined> {
  return renderWith(kind, parseOptions(kind, argv), cwd);
}

async function renderWith(
  kind: ExportKind,
  values: Values,
  cwd: string,
): Promise<RenderedExport | undefined> {
  const plan = await loadPlan(cwd, values.file, []);
  if (!plan) return undefined;
  const remote = checkRemote(kind, plan, values.remote, values.check !== true);
  const source: ExportSource = {
    plan,
    structure: await readStructureHash(plan),
    pipelinePath: repositoryRelativePath(plan.file),
  };
  const outFile = values.out === undefined ? undefined : path.resolve(cwd, values.out);
  const name =
    values.name ??
    (outFile ? path.basename(outFile).replace(/\.[^.]+$/, '') : path.basename(plan.root));
  const regenerate = regenerateCommand(kind, cwd, values);
  const text = render(kind, source, {name, remote, regenerate, values});
  return {text, outFile, source, regenerate};
}

function parseOptions(kind: ExportKind, argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({args: [...argv], options: OPTIONS, allowPositionals: false, strict: true});
  } catch (error) {
    throw new UsageError(
      `runner export ${kind}: ${(error as Error).message}\nRun \`runner export --help\` for usage.`,
    );
  }
  const values = parsed.values;
  for (const [option, kinds] of Object.entries(ENGINE_OPTIONS)) {
    if (values[option as OptionName] !== undefined && !kinds.includes(kind)) {
      throw new UsageError(
        `runner export ${kind}: --${option} applies only to ${kinds.join(' and ')}.\nRun \`runner export --help\` for usage.`,
      );
    }
  }
  if (
    values.operator !== undefined &&
    values.operator !== 'bash' &&
    values.operator !== 'kubernetes'
  ) {
    throw new UsageError(
      `runner export airflow: --operator is bash or kubernetes, not "${values.operator}".`,
    );
  }
  if (values.operator === 'kubernetes' && values.image === undefined) {
    throw new UsageError(
      'runner export airflow: --operator kubernetes runs each stage in a pod: add --image IMAGE (the repository with its dependencies installed).',
    );
  }
  if (kind === 'airflow' && values.image !== undefined && values.operator !== 'kubernetes') {
    throw new UsageError(
      'runner export airflow: --image is for pods: add --operator kubernetes, or drop --image.',
    );
  }
  const start = values['start-date'];
  if (start !== undefined && !isDate(start)) {
    throw new UsageError(
      `runner export airflow: --start-date takes a date such as 2024-01-01, not "${start}".`,
    );
  }
  if (values.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(values.name)) {
    throw new UsageError(
      `runner export ${kind}: --name may hold letters, digits, "_", "." and "-", starting with a letter or digit; "${values.name}" does not.`,
    );
  }
  return values;
}

/** The remote every task shares; a folder remote only works when all workers mount it. */
function checkRemote(
  kind: ExportKind,
  plan: {remotes: ReadonlyMap<string, {url: string}>; defaultRemote: string | undefined},
  requested: string | undefined,
  warn: boolean,
): string | undefined {
  const names = [...plan.remotes.keys()];
  const chosen = requested ?? plan.defaultRemote;
  if (chosen === undefined) {
    throw new UsageError(
      `runner export ${kind}: the tasks exchange data through a remote, and the pipeline has ${names.length === 0 ? 'none' : `no default_remote (remotes: ${names.join(', ')})`}. Add one (remotes: {shared: {url: gs://bucket/prefix}} and default_remote: shared), or pass -r NAME.`,
    );
  }
  const spec = plan.remotes.get(chosen);
  if (!spec) {
    throw new UsageError(
      `runner export ${kind}: remote "${chosen}" is not defined in the pipeline${names.length > 0 ? ` (remotes: ${names.join(', ')})` : ''}.`,
    );
  }
  if (warn && !spec.url.startsWith('gs://')) {
    errOut(
      `runner export ${kind}: warning: remote "${chosen}" is the folder ${spec.url}; tasks on other machines share results only if every worker mounts it. Use a gs:// remote for a fleet (-r NAME).\n`,
    );
  }
  return requested;
}

function render(
  kind: ExportKind,
  source: ExportSource,
  settings: {name: string; remote: string | undefined; regenerate: string; values: Values},
): string {
  const {name, remote, regenerate, values} = settings;
  try {
    switch (kind) {
      case 'airflow':
        return renderAirflowDag(source, {
          dagId: name,
          operator: values.operator === 'kubernetes' ? 'kubernetes' : 'bash',
          image: values.image,
          schedule: values.schedule,
          startDate: values['start-date'] ?? '2024-01-01',
          remote,
          regenerate,
        });
      case 'argo':
        return renderArgoWorkflow(source, {
          name: name.toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
          image: values.image ?? DEFAULT_ARGO_IMAGE,
          remote,
          regenerate,
        });
      case 'github':
        return renderGithubWorkflow(source, {
          name,
          schedule: values.schedule,
          credentialsSecret: values['credentials-secret'] ?? DEFAULT_CREDENTIALS_SECRET,
          runsOn: values['runs-on'] ?? 'ubuntu-latest',
          remote,
          regenerate,
        });
    }
  } catch (error) {
    throw new UsageError(`runner export ${kind}: ${(error as Error).message}`);
  }
}

async function check(
  file: string,
  shown: string,
  expected: string,
  structure: string,
  regenerate: string,
): Promise<number> {
  let current: string;
  try {
    current = await readFile(file, 'utf8');
  } catch {
    errOut(`${shown} does not exist. Run \`${regenerate}\` and commit it.\n`);
    return EXIT.stageFailed;
  }
  if (current === expected) {
    out(`${shown} is up to date (structure ${structure.slice(0, 12)}).\n`);
    return EXIT.ok;
  }
  const committed = structureInHeader(current);
  const why =
    committed === undefined
      ? 'it has no structure header'
      : committed !== structure
        ? `the pipeline's structure changed (${committed.slice(0, 12)} -> ${structure.slice(0, 12)})`
        : 'the structure is the same, but the export options or the exporter changed';
  errOut(`${shown} is stale: ${why}. Run \`${regenerate}\` and commit it.\n`);
  return EXIT.stageFailed;
}

/** The command line that writes the same file again, with the options that shaped it. */
function regenerateCommand(kind: ExportKind, cwd: string, values: Values): string {
  const words = ['runner', 'export', kind];
  if (values.file !== undefined)
    words.push('-f', posixRelative(cwd, path.resolve(cwd, values.file)));
  if (values.out !== undefined)
    words.push('--out', posixRelative(cwd, path.resolve(cwd, values.out)));
  const keep: OptionName[] = [
    'remote',
    'name',
    'operator',
    'image',
    'schedule',
    'start-date',
    'credentials-secret',
    'runs-on',
  ];
  for (const option of keep) {
    const value = values[option];
    if (typeof value === 'string') words.push(`--${option}`, value);
  }
  return words.map(shellQuote).join(' ');
}

function posixRelative(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join('/');
}

function isKind(kind: string): kind is ExportKind {
  return (KINDS as readonly string[]).includes(kind);
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

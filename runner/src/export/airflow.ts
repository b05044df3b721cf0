import type {StagePlan} from '../analysis/plan.js';
import {
  downstreamOf,
  headerText,
  runnerArgv,
  runnerCommandLine,
  type ExportSource,
  type TaskCallOptions,
} from './export-source.js';
import {dnsLabels, pythonIds} from './task-ids.js';

/** Options of {@link renderAirflowDag}. */
export interface AirflowOptions extends TaskCallOptions {
  /** The DAG's `dag_id`. */
  readonly dagId: string;
  /** `bash`: a BashOperator per stage, in a fresh clone; `kubernetes`: a KubernetesPodOperator. */
  readonly operator: 'bash' | 'kubernetes';
  /** Image of the pods (required by `kubernetes`): the repository with its dependencies installed. */
  readonly image?: string | undefined;
  /** A cron expression or a preset such as `@daily`; undefined: runs only when triggered. */
  readonly schedule?: string | undefined;
  /** `start_date` as YYYY-MM-DD (fixed, so the same pipeline gives the same file). */
  readonly startDate: string;
  /** The command line that regenerates the file, for its header. */
  readonly regenerate: string;
}

/** Names the generated module defines or imports; a task variable must not shadow them. */
const RESERVED = new Set([
  'annotations',
  'timedelta',
  'pendulum',
  'DAG',
  'dag',
  'BashOperator',
  'KubernetesPodOperator',
  'FRESH_CLONE',
  'IMAGE',
]);

/** Shell prefix of a BashOperator task: a throw-away clone, so no task depends on a worker's disk. */
const FRESH_CLONE = [
  'set -euo pipefail; ',
  'work="$(mktemp -d)"; ',
  `trap 'rm -rf "$work"' EXIT; `,
  'git clone --quiet --depth 1 --branch "${RUNNER_GIT_REF:-main}" ',
  '"${RUNNER_GIT_URL:?set RUNNER_GIT_URL on the workers to the URL of the repository}" "$work"; ',
  'cd "$work"; ',
  'npm ci --no-audit --no-fund; ',
];

/**
 * An Airflow 2 DAG: one task per stage (each foreach/matrix item its own task, so items run in
 * parallel), `a >> b` for every edge of the plan, retries and execution_timeout from the stage.
 * Every task is the stateless `runner repro STAGE --single-item --pull --push`.
 */
export function renderAirflowDag(source: ExportSource, options: AirflowOptions): string {
  const {plan} = source;
  if (options.operator === 'kubernetes' && !options.image) {
    throw new Error('The kubernetes operator needs an image: pass --image.');
  }
  const ids = pythonIds(plan.order, RESERVED);
  const id = (name: string): string => ids.get(name)!;
  const podNames = dnsLabels(plan.order);
  const bash = options.operator === 'bash';
  const lines: string[] = [
    `# ${headerText(source, 'airflow', options.regenerate)}`,
    `"""Airflow DAG of ${source.pipelinePath}: one task per stage, each a stateless runner call.`,
    '',
    'A task pulls the inputs of its stage from the remote (or restores the stage from the remote',
    'run-cache), runs that stage alone and pushes its outputs, so any worker can run any task.',
    ...(bash
      ? [
          'Workers need git, Node 20 and the credentials of the remote (e.g. GOOGLE_APPLICATION_CREDENTIALS),',
          'and RUNNER_GIT_URL (the repository to clone) and optionally RUNNER_GIT_REF (default main).',
        ]
      : [
          'The image holds the repository with its dependencies installed (npm ci) as its working',
          'directory; pods need the credentials of the remote (e.g. workload identity on GKE).',
        ]),
    '"""',
    '',
    'from __future__ import annotations',
    '',
    ...(plan.order.some((name) => plan.stages.get(name)?.timeoutMs !== undefined)
      ? ['from datetime import timedelta', '']
      : []),
    'import pendulum',
    'from airflow import DAG',
    bash
      ? 'from airflow.operators.bash import BashOperator'
      : 'from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator',
    '',
  ];
  if (bash) {
    lines.push('FRESH_CLONE = (');
    for (const part of FRESH_CLONE) lines.push(`    ${py(part)}`);
    lines.push(')');
  } else {
    lines.push(`IMAGE = ${py(options.image!)}`);
  }
  const [year, month, day] = options.startDate.split('-').map(Number);
  lines.push(
    '',
    'with DAG(',
    `    dag_id=${py(options.dagId)},`,
    `    schedule=${options.schedule === undefined ? 'None' : py(options.schedule)},`,
    `    start_date=pendulum.datetime(${year}, ${month}, ${day}, tz="UTC"),`,
    '    catchup=False,',
    '    max_active_runs=1,',
    '    default_args={"owner": "runner", "retries": 0},',
    '    tags=["runner"],',
    ') as dag:',
  );
  for (const name of plan.order) {
    const stage = plan.stages.get(name)!;
    lines.push(...taskLines(source, stage, id(name), podNames.get(name)!, options), '');
  }
  const down = downstreamOf(plan);
  for (const name of plan.order) {
    const next = down.get(name) ?? [];
    if (next.length === 1) lines.push(`    ${id(name)} >> ${id(next[0]!)}`);
    else if (next.length > 1) lines.push(`    ${id(name)} >> [${next.map(id).join(', ')}]`);
  }
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

function taskLines(
  source: ExportSource,
  stage: StagePlan,
  id: string,
  podName: string,
  options: AirflowOptions,
): string[] {
  const policy = [`        retries=${stage.retries},`];
  if (stage.timeoutMs !== undefined) {
    policy.push(`        execution_timeout=${timedelta(stage.timeoutMs)},`);
  }
  if (options.operator === 'bash') {
    return [
      `    ${id} = BashOperator(`,
      `        task_id=${py(id)},`,
      `        bash_command=FRESH_CLONE + ${py(runnerCommandLine(source, stage.name, options))},`,
      ...policy,
      '    )',
    ];
  }
  return [
    `    ${id} = KubernetesPodOperator(`,
    `        task_id=${py(id)},`,
    `        name=${py(podName)},`,
    '        image=IMAGE,',
    `        cmds=[${runnerArgv(source, stage.name, options).map(py).join(', ')}],`,
    '        get_logs=True,',
    ...policy,
    '    )',
  ];
}

function timedelta(ms: number): string {
  return ms % 1000 === 0 ? `timedelta(seconds=${ms / 1000})` : `timedelta(milliseconds=${ms})`;
}

/**
 * A Python string literal. JSON's escapes are all valid in Python; text with double quotes but
 * no single quote reads better single-quoted.
 */
function py(text: string): string {
  const json = JSON.stringify(text);
  if (!text.includes('"') || text.includes("'")) return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"')}'`;
}

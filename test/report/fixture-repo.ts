import {createHash} from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {execa} from 'execa';
import {stringify} from 'yaml';
import type {PipelinePlan} from '../../runner/src/analysis/plan.js';
import type {RunnerEvent} from '../../runner/src/events/event.js';
import {flagshipPlan} from './flagship-plan.js';

export const PLOT_FIXTURES = join(import.meta.dirname, '../fixtures/plots');

/** A temp git repo holding two runs of the flagship: HEAD~1 with k = 3, HEAD with k = 4. */
export interface FixtureRepo {
  readonly root: string;
  readonly plan: PipelinePlan;
  remove(): void;
}

const CLEANING = {rows: {raw: 5000, no_customer: 3810, deduplicated: 3760, final: 3702}};

/**
 * Writes the files a run would leave, as the executor will: outs in the workspace, their bytes
 * in the cache under `md5/ab/cdef...`, and a pipeline.lock naming them (metrics and plots are
 * git-ignored, so a past revision's values exist only through its lock and the cache).
 */
export async function makeFixtureRepo(): Promise<FixtureRepo> {
  const root = mkdtempSync(join(tmpdir(), 'report-repo-'));
  const git = (...args: string[]) => execa('git', args, {cwd: root});
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.invalid');
  await git('config', 'user.name', 'Report Test');
  await git('config', 'commit.gpgsign', 'false');
  writeFileSync(join(root, '.gitignore'), '/reports/\n.runner/\n');
  writeFileSync(join(root, 'pipeline.yaml'), '# the flagship pipeline (plan built in the test)\n');

  for (const [name, k] of [
    ['base', 3],
    ['head', 4],
  ] as const) {
    writeFileSync(
      join(root, 'params.yaml'),
      stringify({data: {url: 'sample:'}, train: {k, kRange: [2, 10], seed: 0}}),
    );
    mkdirSync(join(root, 'metrics'), {recursive: true});
    writeFileSync(join(root, 'metrics/cleaning.json'), JSON.stringify(CLEANING, null, 2) + '\n');
    rmSync(join(root, 'reports'), {recursive: true, force: true});
    mkdirSync(join(root, 'reports'), {recursive: true});
    cpSync(join(PLOT_FIXTURES, name, 'metrics.json'), join(root, 'reports/metrics.json'));
    cpSync(join(PLOT_FIXTURES, name, 'plots'), join(root, 'reports/plots'), {recursive: true});
    const outs = [storeFile(root, 'reports/metrics.json'), storeDir(root, 'reports/plots')];
    writeFileSync(
      join(root, 'pipeline.lock'),
      stringify({
        schema: 1,
        stages: {
          evaluate: {
            kind: 'evaluate@0.1.0',
            params: {},
            deps: [],
            outs,
            fingerprint: createHash('sha256').update(name).digest('hex'),
          },
        },
      }),
    );
    await git('add', '-A');
    await git('commit', '-q', '-m', `train with k=${k}`);
  }
  writeRunEvents(root);
  return {
    root,
    plan: flagshipPlan(root, 4),
    remove: () => rmSync(root, {recursive: true, force: true}),
  };
}

function md5(bytes: Buffer | string): string {
  return createHash('md5').update(bytes).digest('hex');
}

function putObject(root: string, hash: string, bytes: Buffer | string): void {
  const file = join(root, '.runner/cache/files/md5', hash.slice(0, 2), hash.slice(2));
  mkdirSync(dirname(file), {recursive: true});
  writeFileSync(file, bytes);
}

function storeFile(root: string, path: string): {path: string; md5: string; size: number} {
  const bytes = readFileSync(join(root, path));
  const hash = md5(bytes);
  putObject(root, hash, bytes);
  return {path, md5: hash, size: bytes.length};
}

function storeDir(
  root: string,
  path: string,
): {path: string; md5: string; size: number; nfiles: number} {
  const names = readdirSync(join(root, path)).sort();
  let size = 0;
  const manifest = names.map((relpath) => {
    const bytes = readFileSync(join(root, path, relpath));
    size += bytes.length;
    const hash = md5(bytes);
    putObject(root, hash, bytes);
    return {relpath, md5: hash};
  });
  const text = JSON.stringify(manifest);
  const hash = `${md5(text)}.dir`;
  putObject(root, hash, text);
  return {path, md5: hash, size, nfiles: names.length};
}

/** The last run's events, as the executor keeps them: HEAD's run after the params change. */
export const LAST_RUN: readonly RunnerEvent[] = [
  {
    type: 'run-start',
    time: 1_700_000_000_000,
    stages: ['download', 'clean', 'rfm', 'seasonality', 'train', 'evaluate', 'deploy'],
    jobs: 2,
  },
  {type: 'stage', time: 1_700_000_000_010, stage: 'download', outcome: 'fresh', reasons: [], ms: 3},
  {type: 'stage', time: 1_700_000_000_020, stage: 'clean', outcome: 'fresh', reasons: [], ms: 2},
  {
    type: 'stage',
    time: 1_700_000_000_030,
    stage: 'rfm',
    outcome: 'cached',
    reasons: [{kind: 'out-changed', path: 'data/features/customers.parquet', change: 'deleted'}],
    ms: 41,
  },
  {
    type: 'stage',
    time: 1_700_000_000_040,
    stage: 'seasonality',
    outcome: 'fresh',
    reasons: [],
    ms: 2,
  },
  {type: 'stage-start', time: 1_700_000_000_050, stage: 'train', attempt: 1},
  {
    type: 'stage',
    time: 1_700_000_002_450,
    stage: 'train',
    outcome: 'run',
    reasons: [{kind: 'param-changed', key: 'train.k', file: 'params.yaml'}],
    ms: 2400,
  },
  {
    type: 'stage',
    time: 1_700_000_003_300,
    stage: 'evaluate',
    outcome: 'run',
    reasons: [{kind: 'upstream-changed', stage: 'train'}],
    ms: 850,
  },
  {
    type: 'stage',
    time: 1_700_000_003_420,
    stage: 'deploy',
    outcome: 'run',
    reasons: [{kind: 'always-changed'}],
    ms: 120,
  },
  {
    type: 'run-end',
    time: 1_700_000_003_430,
    ok: true,
    counts: {fresh: 3, cached: 1, run: 3, failed: 0, skipped: 0},
    ms: 3430,
  },
];

function writeRunEvents(root: string): void {
  mkdirSync(join(root, '.runner/runs'), {recursive: true});
  writeFileSync(
    join(root, '.runner/runs/last.ndjson'),
    LAST_RUN.map((event) => JSON.stringify(event)).join('\n') + '\n',
  );
}

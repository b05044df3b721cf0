import {mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {analyzePipelineIn, type AnalyzeOptions} from './analyze.js';
import type {PipelinePlan, StagePlan} from './plan.js';

const builtinDir = fileURLToPath(
  new URL('../../../test/fixtures/plugins/builtin', import.meta.url),
);
const env = {plugins: {builtinDir, runnerVersion: '9.9.9'}};

const PIPELINE = `# yaml-language-server: $schema=./schemas/pipeline.schema.json
remotes:
  local: {url: .runner/remote}
  gcs: {url: gs://bucket/prefix}
default_remote: local
stages:
  download:
    uses: download
    with: {url: "\${data.url}"}
    outs: [data/raw/transactions.parquet]
  clean:
    uses: clean
    deps: [data/raw/transactions.parquet]
    outs: [data/interim/clean.parquet]
    metrics:
      - reports/cleaning.json: {cache: false}
  rfm:
    uses: rfm
    deps: [data/interim/clean.parquet]
    outs: [data/features/customers.parquet]
  seasonality:
    uses: seasonality
    deps: [./data/interim/clean.parquet]
    outs: [data/features/seasonality.parquet]
  train:
    uses: train
    with:
      k: \${train.k}
      seed: \${train.seed}
    params: [train]
    deps:
      - data/features/customers.parquet
      - data/features/seasonality.parquet
      - data/interim/clean.parquet
    outs: [models/model.json, data/processed/segments.parquet, data/processed/recommendations.parquet]
    retries: 2
    timeout: 10m
  evaluate:
    uses: evaluate
    deps: [models/model.json, data/processed/segments.parquet]
    metrics: [reports/metrics.json, reports/silhouette_by_k.json]
    plots:
      - reports/plots:
          x: k
          y: silhouette
  deploy:
    uses: ./plugins/deploy-local
    desc: Publish the model when the gates pass
    with:
      gates: \${gates}
    deps: [models/model.json, reports/metrics.json, data/processed/recommendations.parquet]
    outs:
      - reports/deploy.json: {cache: false, persist: true}
    always_changed: true
`;

const PARAMS = `data:
  url: "sample:"
train:
  k: 3
  kRange: [2, 10]
  seed: 0
gates:
  silhouette: {min: 0.2}
`;

const LOCAL_PLUGIN = `export default {
  name: 'deploy-local',
  version: '0.3.0',
  description: 'Publishes to a local registry.',
  params: {
    type: 'object',
    properties: {gates: {type: 'object'}, alias: {type: 'string', default: 'staging'}},
    additionalProperties: false,
  },
  run() {},
};
`;

let root: string;

function analyze(options: Partial<AnalyzeOptions> = {}) {
  return analyzePipelineIn({file: path.join(root, 'pipeline.yaml'), ...options}, env);
}

async function plan(options: Partial<AnalyzeOptions> = {}): Promise<PipelinePlan> {
  const result = await analyze(options);
  if (!result.ok) throw new Error(result.error.map((d) => `${d.reason}: ${d.message}`).join('\n'));
  return result.value;
}

function stage(p: PipelinePlan, name: string): StagePlan {
  const s = p.stages.get(name);
  if (!s) throw new Error(`no stage ${name}`);
  return s;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'runner-analyze-'));
  writeFileSync(path.join(root, 'pipeline.yaml'), PIPELINE);
  writeFileSync(path.join(root, 'params.yaml'), PARAMS);
  mkdirSync(path.join(root, 'plugins', 'deploy-local'), {recursive: true});
  writeFileSync(path.join(root, 'plugins', 'deploy-local', 'index.js'), LOCAL_PLUGIN);
});

afterAll(() => rmSync(root, {recursive: true, force: true}));

describe('the flagship-shaped 7-stage pipeline', () => {
  test('orders stages topologically, ties by name', async () => {
    const p = await plan();
    expect(p.order).toEqual([
      'download',
      'clean',
      'rfm',
      'seasonality',
      'train',
      'evaluate',
      'deploy',
    ]);
    expect(p.root).toBe(root);
    expect(p.file).toBe(path.join(root, 'pipeline.yaml'));
  });

  test('fills upstream from paths', async () => {
    const p = await plan();
    expect(stage(p, 'download').upstream).toEqual([]);
    expect(stage(p, 'clean').upstream).toEqual(['download']);
    expect(stage(p, 'seasonality').upstream).toEqual(['clean']);
    expect(stage(p, 'train').upstream).toEqual(['clean', 'rfm', 'seasonality']);
    expect(stage(p, 'evaluate').upstream).toEqual(['train']);
    expect(stage(p, 'deploy').upstream).toEqual(['evaluate', 'train']);
  });

  test('resolves plugins, interpolates and defaults with:', async () => {
    const p = await plan();
    const download = stage(p, 'download').command;
    expect(download.type).toBe('plugin');
    if (download.type !== 'plugin') return;
    expect(download.with).toEqual({url: 'sample:', timeoutSeconds: 60});
    expect(download.plugin).toMatchObject({
      name: 'download',
      version: '1.0.0',
      source: 'builtin',
      modulePath: path.join(builtinDir, 'download', 'index.js'),
    });
    expect(download.plugin.codeHash).toMatch(/^[0-9a-f]{64}$/);

    const train = stage(p, 'train').command;
    if (train.type !== 'plugin') throw new Error('train is a plugin stage');
    // Whole-value `${}` keeps the number type; the schema default fills `method`.
    expect(train.with).toEqual({k: 3, seed: 0, method: 'kmeans'});

    const deploy = stage(p, 'deploy').command;
    if (deploy.type !== 'plugin') throw new Error('deploy is a plugin stage');
    expect(deploy.plugin.source).toBe('path');
    expect(deploy.plugin.modulePath).toBe(path.join(root, 'plugins', 'deploy-local', 'index.js'));
    expect(deploy.with).toEqual({gates: {silhouette: {min: 0.2}}, alias: 'staging'});
  });

  test('tracks listed params and params used through ${}', async () => {
    const p = await plan();
    expect(stage(p, 'download').params).toEqual([
      {file: 'params.yaml', key: 'data.url', value: 'sample:'},
    ]);
    // train.k and train.seed are inside the listed section, so only `train` is tracked.
    expect(stage(p, 'train').params).toEqual([
      {file: 'params.yaml', key: 'train', value: {k: 3, kRange: [2, 10], seed: 0}},
    ]);
    expect(stage(p, 'deploy').params).toEqual([
      {file: 'params.yaml', key: 'gates', value: {silhouette: {min: 0.2}}},
    ]);
    expect(stage(p, 'clean').params).toEqual([]);
  });

  test('normalises paths and keeps out kinds and options', async () => {
    const p = await plan();
    expect(stage(p, 'seasonality').deps.map((d) => d.path)).toEqual(['data/interim/clean.parquet']);
    expect(
      stage(p, 'clean').outs.map(({path: p, kind, cache, persist}) => ({p, kind, cache, persist})),
    ).toEqual([
      {p: 'data/interim/clean.parquet', kind: 'out', cache: true, persist: false},
      {p: 'reports/cleaning.json', kind: 'metric', cache: false, persist: false},
    ]);
    expect(stage(p, 'evaluate').outs.map((o) => [o.path, o.kind])).toEqual([
      ['reports/metrics.json', 'metric'],
      ['reports/silhouette_by_k.json', 'metric'],
      ['reports/plots', 'plot'],
    ]);
    expect(stage(p, 'deploy').outs[0]).toMatchObject({cache: false, persist: true});
  });

  test('reads stage flags, remotes and locations', async () => {
    const p = await plan();
    const train = stage(p, 'train');
    expect(train.retries).toBe(2);
    expect(train.timeoutMs).toBe(600_000);
    expect(train.frozen).toBe(false);
    expect(train.alwaysChanged).toBe(false);
    expect(train.wdir).toBe('');
    expect(stage(p, 'deploy').alwaysChanged).toBe(true);
    expect(stage(p, 'deploy').desc).toBe('Publish the model when the gates pass');
    expect(stage(p, 'download').retries).toBe(0);
    expect(stage(p, 'download').timeoutMs).toBeUndefined();
    expect(p.defaultRemote).toBe('local');
    expect([...p.remotes.values()]).toEqual([
      {name: 'local', url: '.runner/remote'},
      {name: 'gcs', url: 'gs://bucket/prefix'},
    ]);
    const location = train.location!;
    expect(PIPELINE.slice(location.offset, location.offset + location.length)).toBe('train');
    const dep = train.deps[1]!.location!;
    expect(PIPELINE.slice(dep.offset, dep.offset + dep.length)).toBe(
      'data/features/seasonality.parquet',
    );
  });

  test('--set overrides a params value for this run, typed as YAML', async () => {
    const p = await plan({set: ['data.url=https://example.org/retail.zip', 'train.k=5']});
    const download = stage(p, 'download');
    expect(download.params).toEqual([
      {file: 'params.yaml', key: 'data.url', value: 'https://example.org/retail.zip'},
    ]);
    if (download.command.type !== 'plugin') throw new Error('plugin stage');
    expect(download.command.with['url']).toBe('https://example.org/retail.zip');
    const train = stage(p, 'train');
    if (train.command.type !== 'plugin') throw new Error('plugin stage');
    expect(train.command.with['k']).toBe(5);
    expect(train.params[0]!.value).toEqual({k: 5, kRange: [2, 10], seed: 0});
  });

  test('the plan is immutable', async () => {
    const p = await plan();
    const train = stage(p, 'train');
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(train)).toBe(true);
    expect(Object.isFrozen(train.deps)).toBe(true);
    expect(Object.isFrozen(train.params[0]!.value)).toBe(true);
    if (train.command.type !== 'plugin') throw new Error('plugin stage');
    expect(Object.isFrozen(train.command.with)).toBe(true);
  });

  test('editing a plugin file changes its code hash', async () => {
    const before = stage(await plan(), 'deploy').command;
    writeFileSync(path.join(root, 'plugins', 'deploy-local', 'helper.js'), 'export const x = 1;\n');
    const after = stage(await plan(), 'deploy').command;
    rmSync(path.join(root, 'plugins', 'deploy-local', 'helper.js'));
    if (before.type !== 'plugin' || after.type !== 'plugin') throw new Error('plugin stage');
    expect(after.plugin.codeHash).not.toBe(before.plugin.codeHash);
  });

  test('a built-in code hash includes the runner version', async () => {
    const a = stage(await plan(), 'rfm').command;
    const other = await analyzePipelineIn(
      {file: path.join(root, 'pipeline.yaml')},
      {plugins: {builtinDir, runnerVersion: '10.0.0'}},
    );
    if (!other.ok) throw new Error('analysis failed');
    const b = other.value.stages.get('rfm')!.command;
    if (a.type !== 'plugin' || b.type !== 'plugin') throw new Error('plugin stage');
    expect(a.plugin.codeHash).not.toBe(b.plugin.codeHash);
  });
});

describe('other inputs', () => {
  test('a missing pipeline file is a diagnostic without a location', async () => {
    const result = await analyzePipelineIn({file: path.join(root, 'nope', 'pipeline.yaml')}, env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((d) => [d.reason, d.location])).toEqual([
      ['file-not-found', undefined],
    ]);
  });

  test('a plain dvc.yaml is read in DVC format (DVC-only fields accepted)', async () => {
    const dir = path.join(root, 'dvc-project');
    mkdirSync(dir, {recursive: true});
    writeFileSync(path.join(dir, 'params.yaml'), 'train: {k: 3}\n');
    writeFileSync(
      path.join(dir, 'dvc.yaml'),
      `stages:
  prepare:
    cmd: python prepare.py
    outs: [data/prepared.csv]
    meta: {owner: me}
  train:
    cmd:
      - python train.py --k \${train.k}
      - echo done
    deps: [data/prepared.csv]
    params: [train.k]
    outs: [model.pkl]
metrics: [reports/metrics.json]
`,
    );
    const result = await analyzePipelineIn({file: path.join(dir, 'dvc.yaml')}, env);
    if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
    const train = result.value.stages.get('train')!;
    expect(train.command).toEqual({
      type: 'cmd',
      cmd: ['python train.py --k 3', 'echo done'],
    });
    expect(train.params).toEqual([{file: 'params.yaml', key: 'train.k', value: 3}]);
    expect(result.value.remotes.size).toBe(0);
    expect(result.value.defaultRemote).toBeUndefined();
    // The runner's own fields are not DVC's.
    const asRunner = await analyzePipelineIn(
      {file: path.join(dir, 'dvc.yaml'), format: 'runner'},
      env,
    );
    expect(asRunner.ok ? [] : asRunner.error.map((d) => d.reason)).toEqual([
      'unknown-field',
      'unknown-field',
    ]);
  });
});

describe('plugin params validators', () => {
  test('are cached as standalone modules and reused, with the same results', async () => {
    const withCache = {...env, cacheValidators: true};
    const first = await analyzePipelineIn({file: path.join(root, 'pipeline.yaml')}, withCache);
    const dir = path.join(root, '.runner', 'validators');
    const files = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
    // One per distinct params schema: seasonality and evaluate share theirs.
    expect(files).toHaveLength(6);
    const outputs: unknown[] = [];
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(dir, file)).href)) as {
        default: (data: unknown) => boolean;
      };
      const data = {};
      module.default(data);
      outputs.push(data);
      // Uses ajv's runtime helpers (string length) where a schema has minLength.
      expect(typeof module.default({url: ''})).toBe('boolean');
    }
    // The standalone code validates and fills defaults like the compiled validator.
    expect(outputs).toContainEqual({dropCancelled: true});
    expect(outputs).toContainEqual({alias: 'staging'});
    const second = await analyzePipelineIn({file: path.join(root, 'pipeline.yaml')}, withCache);
    if (!first.ok || !second.ok) throw new Error('analysis failed');
    const withs = (p: PipelinePlan) =>
      [...p.stages.values()].map((s) => (s.command.type === 'plugin' ? s.command.with : null));
    expect(withs(second.value)).toEqual(withs(first.value));
  });
});

import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {analyzePipeline, analyzePipelineIn} from '../../runner/src/analysis/analyze.js';
import type {PipelinePlan} from '../../runner/src/analysis/plan.js';
import {pipelineStructure, structureHash} from '../../runner/src/export/structure-hash.js';

const env = {plugins: {builtinDir: '/nonexistent', runnerVersion: '0'}};
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, {recursive: true, force: true});
});

const PIPELINE = `stages:
  prepare:
    cmd: ./prepare.sh --rows \${data.rows}
    outs: [data/a.csv, data/b.csv]
  fit:
    foreach: \${models}
    do:
      cmd: ./fit.sh \${item} --k \${train.k}
      deps: [data/a.csv]
      params: [train.seed]
      outs:
        - models/\${item}.json
    retries: 1
  report:
    cmd: ./report.sh
    deps: [models/linear.json, models/tree.json]
    metrics: [report.json]
`.replace('    retries: 1\n', '      retries: 1\n');

const PARAMS = `data: {rows: 100}
models: [linear, tree]
train: {k: 3, seed: 0}
`;

async function hashOf(
  pipeline: string,
  params: string = PARAMS,
): Promise<{hash: string; plan: PipelinePlan}> {
  const root = mkdtempSync(path.join(tmpdir(), 'runner-structure-'));
  roots.push(root);
  writeFileSync(path.join(root, 'pipeline.yaml'), pipeline);
  writeFileSync(path.join(root, 'params.yaml'), params);
  const result = await analyzePipelineIn({file: path.join(root, 'pipeline.yaml')}, env);
  if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
  return {hash: structureHash(result.value, pipeline), plan: result.value};
}

const cmdOf = (plan: PipelinePlan, stage: string) => {
  const command = plan.stages.get(stage)!.command;
  return command.type === 'cmd' ? command.cmd : [];
};

describe('structure hash', () => {
  test('is a sha256 of stage names, edges, cmd templates, params names, paths and policies', async () => {
    const {hash, plan} = await hashOf(PIPELINE);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const structure = pipelineStructure(plan, PIPELINE);
    expect(structure.stages.map((s) => s.name)).toEqual([
      'prepare',
      'fit@linear',
      'fit@tree',
      'report',
    ]);
    expect(structure.stages[1]).toEqual({
      name: 'fit@linear',
      run: {cmd: ['./fit.sh ${item} --k ${train.k}']},
      wdir: '',
      params: ['params.yaml:train.k', 'params.yaml:train.seed'],
      deps: ['data/a.csv'],
      outs: [{path: 'models/linear.json', kind: 'out'}],
      upstream: ['prepare'],
      retries: 1,
      timeoutMs: null,
      frozen: false,
    });
  });

  test('is unchanged when only params values change (the interpolated cmd does change)', async () => {
    const before = await hashOf(PIPELINE);
    const after = await hashOf(
      PIPELINE,
      PARAMS.replace('rows: 100', 'rows: 5000').replace('k: 3, seed: 0', 'k: 8, seed: 42'),
    );
    expect(cmdOf(after.plan, 'fit@tree')).not.toEqual(cmdOf(before.plan, 'fit@tree'));
    expect(cmdOf(after.plan, 'fit@tree')).toEqual(['./fit.sh tree --k 8']);
    expect(after.hash).toBe(before.hash);
  });

  test('is unchanged by the order of stages in the file and by comments', async () => {
    const [head, report] = PIPELINE.split('  report:\n');
    const reordered = `# reordered\nstages:\n  report:\n${report!}${head!.replace('stages:\n', '')}`;
    const a = await hashOf(PIPELINE);
    const b = await hashOf(reordered);
    expect(b.plan.order).toEqual(a.plan.order);
    expect(b.hash).toBe(a.hash);
  });

  test('changes when an edge changes', async () => {
    const before = await hashOf(PIPELINE);
    const after = await hashOf(
      PIPELINE.replace('deps: [data/a.csv]', 'deps: [report.json]').replace(
        'deps: [models/linear.json, models/tree.json]',
        'deps: [data/b.csv]',
      ),
    );
    expect(after.plan.stages.get('fit@tree')!.upstream).toEqual(['report']);
    expect(after.hash).not.toBe(before.hash);
  });

  test.each([
    ['a cmd template', (p: string) => p.replace('./report.sh', './report.sh --html')],
    ['a stage name', (p: string) => p.replace('  report:', '  summary:')],
    ['a params name', (p: string) => p.replace('params: [train.seed]', 'params: [train]')],
    ['an out path', (p: string) => p.replace('metrics: [report.json]', 'metrics: [summary.json]')],
    ['retries', (p: string) => p.replace('retries: 1', 'retries: 2')],
    [
      'a timeout',
      (p: string) => p.replace('    cmd: ./report.sh\n', '    cmd: ./report.sh\n    timeout: 5m\n'),
    ],
  ])('changes when %s changes', async (_what, edit) => {
    const before = await hashOf(PIPELINE);
    const after = await hashOf(edit(PIPELINE));
    expect(after.hash).not.toBe(before.hash);
  });

  test('changes when a foreach list adds an item (a new task)', async () => {
    const before = await hashOf(PIPELINE);
    const after = await hashOf(
      PIPELINE.replace(
        '[models/linear.json, models/tree.json]',
        '[models/linear.json, models/tree.json, models/knn.json]',
      ),
      PARAMS.replace('[linear, tree]', '[linear, tree, knn]'),
    );
    expect(after.hash).not.toBe(before.hash);
  });

  test('the flagship: --set of a params value keeps the hash, a plugin version is part of it', async () => {
    const file = path.resolve(import.meta.dirname, '../../pipeline.yaml');
    const source = readFileSync(file, 'utf8');
    const plain = await analyzePipeline({file});
    const tuned = await analyzePipeline({file, set: ['train.k=7', 'data.sampleRows=99']});
    if (!plain.ok || !tuned.ok) throw new Error('the flagship pipeline does not analyse');
    expect(structureHash(tuned.value, source)).toBe(structureHash(plain.value, source));
    const train = pipelineStructure(plain.value, source).stages.find((s) => s.name === 'train');
    expect(train?.run).toEqual({plugin: 'train', version: expect.stringMatching(/^\d+\.\d+\.\d+/)});
  });
});

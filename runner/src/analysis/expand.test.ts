import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {analyzePipelineIn} from './analyze.js';
import type {PipelinePlan} from './plan.js';

const env = {plugins: {builtinDir: '/nonexistent', runnerVersion: '0'}};
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, {recursive: true, force: true});
});

async function planOf(pipeline: string, params?: string): Promise<PipelinePlan> {
  const root = mkdtempSync(path.join(tmpdir(), 'runner-expand-'));
  roots.push(root);
  writeFileSync(path.join(root, 'pipeline.yaml'), pipeline);
  if (params !== undefined) writeFileSync(path.join(root, 'params.yaml'), params);
  const result = await analyzePipelineIn({file: path.join(root, 'pipeline.yaml')}, env);
  if (!result.ok) throw new Error(result.error.map((d) => `${d.reason}: ${d.message}`).join('\n'));
  return result.value;
}

const cmds = (p: PipelinePlan) =>
  Object.fromEntries(
    [...p.stages.values()].map((s) => [s.name, s.command.type === 'cmd' ? s.command.cmd : []]),
  );

describe('foreach and matrix, with DVC naming', () => {
  test('a list of simple values names items by value', async () => {
    const p = await planOf(`stages:
  build:
    foreach: [us, uk, 3]
    do:
      cmd: ./build.sh \${item}
      outs:
        - out/\${item}.csv
`);
    expect(p.order).toEqual(['build@3', 'build@uk', 'build@us']);
    expect(cmds(p)['build@us']).toEqual(['./build.sh us']);
    expect(p.stages.get('build@3')!.outs[0]!.path).toBe('out/3.csv');
  });

  test('a list of mappings names items by index and exposes item fields', async () => {
    const p = await planOf(`stages:
  train:
    foreach:
      - {model: kmeans, k: 3}
      - {model: gmm, k: 5}
    do:
      cmd: python train.py \${item.model} --k \${item.k}
`);
    expect(cmds(p)).toEqual({
      'train@0': ['python train.py kmeans --k 3'],
      'train@1': ['python train.py gmm --k 5'],
    });
  });

  test('a mapping names items by key and offers ${key}', async () => {
    const p = await planOf(`stages:
  fetch:
    foreach:
      eu: {bucket: b-eu}
      us: {bucket: b-us}
    do:
      cmd: ./fetch.sh \${key} \${item.bucket}
`);
    expect(cmds(p)).toEqual({
      'fetch@eu': ['./fetch.sh eu b-eu'],
      'fetch@us': ['./fetch.sh us b-us'],
    });
  });

  test('foreach over a params reference', async () => {
    const p = await planOf(
      `stages:
  build:
    foreach: \${regions}
    do:
      cmd: ./build.sh \${item}
`,
      'regions: [north, south]\n',
    );
    expect(p.order).toEqual(['build@north', 'build@south']);
  });

  test('matrix joins one fragment per dimension; composite values use name+index', async () => {
    const p = await planOf(`stages:
  train:
    matrix:
      model: [kmeans, gmm]
      k: [2, 3]
      cfg: [{a: 1}]
    cmd: python train.py \${item.model} \${item.k} \${item.cfg.a} \${key}
`);
    expect(p.order).toEqual([
      'train@gmm-2-cfg0',
      'train@gmm-3-cfg0',
      'train@kmeans-2-cfg0',
      'train@kmeans-3-cfg0',
    ]);
    expect(cmds(p)['train@kmeans-3-cfg0']).toEqual(['python train.py kmeans 3 1 kmeans-3-cfg0']);
  });

  test('generated stages connect through their paths', async () => {
    const p = await planOf(`stages:
  split:
    foreach: [a, b]
    do:
      cmd: ./split.sh \${item}
      outs:
        - parts/\${item}.csv
  merge:
    cmd: ./merge.sh
    deps: [parts]
`);
    expect(p.stages.get('merge')!.upstream).toEqual(['split@a', 'split@b']);
    expect(p.order).toEqual(['split@a', 'split@b', 'merge']);
  });
});

describe('vars and params files', () => {
  test('vars files, inline vars and stage vars; only file values are tracked', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'runner-vars-'));
    roots.push(root);
    writeFileSync(path.join(root, 'config.yaml'), 'model: {name: kmeans, k: 4}\nother: 1\n');
    writeFileSync(path.join(root, 'params.yaml'), 'seed: 7\n');
    writeFileSync(
      path.join(root, 'pipeline.yaml'),
      `vars:
  - config.yaml:model
  - {prefix: out}
stages:
  train:
    vars:
      - {suffix: csv}
    cmd: python train.py \${model.name} \${model.k} \${seed}
    outs:
      - \${prefix}/result.\${suffix}
`,
    );
    const result = await analyzePipelineIn({file: path.join(root, 'pipeline.yaml')}, env);
    if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
    const train = result.value.stages.get('train')!;
    expect(train.command).toEqual({type: 'cmd', cmd: ['python train.py kmeans 4 7']});
    expect(train.outs[0]!.path).toBe('out/result.csv');
    expect(train.params).toEqual([
      {file: 'config.yaml', key: 'model.k', value: 4},
      {file: 'config.yaml', key: 'model.name', value: 'kmeans'},
      {file: 'params.yaml', key: 'seed', value: 7},
    ]);
  });

  test('params entries: a key, a section, another file with keys, a whole file', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'runner-params-'));
    roots.push(root);
    writeFileSync(path.join(root, 'params.yaml'), 'train: {k: 3, seed: 0}\nlr: 0.1\n');
    writeFileSync(path.join(root, 'extra.yaml'), 'layers: [8]\ndropout: 0.2\n');
    writeFileSync(
      path.join(root, 'pipeline.yaml'),
      `stages:
  a:
    cmd: ./a.sh
    params:
      - lr
      - train
      - extra.yaml: [dropout]
  b:
    cmd: ./b.sh
    params:
      - extra.yaml:
`,
    );
    const result = await analyzePipelineIn(
      {file: path.join(root, 'pipeline.yaml'), set: ['extra.yaml:dropout=0.5']},
      env,
    );
    if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
    expect(result.value.stages.get('a')!.params).toEqual([
      {file: 'extra.yaml', key: 'dropout', value: 0.5},
      {file: 'params.yaml', key: 'lr', value: 0.1},
      {file: 'params.yaml', key: 'train', value: {k: 3, seed: 0}},
    ]);
    expect(result.value.stages.get('b')!.params).toEqual([
      {file: 'extra.yaml', key: '', value: {layers: [8], dropout: 0.5}},
    ]);
  });

  test('a cmd stage with wdir: paths are relative to it, normalised to the root', async () => {
    const p = await planOf(`stages:
  prep:
    cmd: python prep.py
    wdir: src/
    outs: [../data/prepared.csv]
  use:
    cmd: ./use.sh
    deps: [data/prepared.csv]
`);
    const prep = p.stages.get('prep')!;
    expect(prep.wdir).toBe('src');
    expect(prep.outs[0]!.path).toBe('data/prepared.csv');
    expect(p.stages.get('use')!.upstream).toEqual(['prep']);
  });
});

describe('YAML features', () => {
  test('anchors, aliases and << merge keys work in stages', async () => {
    const p = await planOf(`x-defaults: &defaults
  always_changed: true
  retries: 1
stages:
  a:
    <<: *defaults
    cmd: ./a.sh
    outs: &outs [a.txt]
  b:
    <<: *defaults
    retries: 3
    cmd: ./b.sh
    deps: *outs
`);
    expect(p.stages.get('a')).toMatchObject({alwaysChanged: true, retries: 1});
    expect(p.stages.get('b')).toMatchObject({alwaysChanged: true, retries: 3, upstream: ['a']});
    const q = await planOf(`stages:
  a:
    cmd: ./a.sh
    retries: &r 1
    always_changed: true
    outs: &outs [a.txt]
  b:
    <<: {always_changed: true, retries: *r}
    retries: 3
    cmd: ./b.sh
    deps: *outs
`);
    expect(q.stages.get('b')).toMatchObject({alwaysChanged: true, retries: 3, upstream: ['a']});
  });
});

import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {StageStartEvent} from '../../runner/src/events/event.js';
import {outcomes, Rig} from './rig.js';

// A plain dvc.yaml using what DVC's documentation describes: vars, ${} from params.yaml,
// foreach over a list (names `train@a`), matrix (names `eval@a-dev`), params, metrics.
const DVC_YAML = `vars:
  - models: [a, b]
stages:
  prepare:
    cmd: mkdir -p data && echo \${prepare.seed} > data/prepared.txt
    params:
      - prepare.seed
    outs:
      - data/prepared.txt
  train:
    foreach: \${models}
    do:
      cmd: cat data/prepared.txt > model-\${item}.txt && echo \${item} >> model-\${item}.txt
      deps:
        - data/prepared.txt
      outs:
        - model-\${item}.txt
  eval:
    matrix:
      model: [a, b]
      split: [dev, test]
    cmd: cat model-\${item.model}.txt > eval-\${item.model}-\${item.split}.json
    deps:
      - model-\${item.model}.txt
    metrics:
      - eval-\${item.model}-\${item.split}.json:
          cache: false
`;

const NAMES = [
  'eval@a-dev',
  'eval@a-test',
  'eval@b-dev',
  'eval@b-test',
  'prepare',
  'train@a',
  'train@b',
];

let rig: Rig;
beforeEach(async () => {
  rig = await Rig.create();
  await rig.write({'dvc.yaml': DVC_YAML, 'params.yaml': 'prepare:\n  seed: 42\n  unused: 1\n'});
});
afterEach(() => rig.cleanup());

describe('runner repro -f dvc.yaml', () => {
  it('names foreach and matrix items as DVC does and runs them in dependency order', async () => {
    const result = await rig.run('repro', '-f', 'dvc.yaml', '--json', '--jobs', '1');
    expect(result.code).toBe(0);
    expect(Object.keys(outcomes(result)).sort()).toEqual(NAMES);
    const started = result.events
      .filter((e): e is StageStartEvent => e.type === 'stage-start')
      .map((e) => e.stage);
    expect(started.indexOf('prepare')).toBe(0);
    for (const model of ['a', 'b']) {
      for (const split of ['dev', 'test']) {
        expect(started.indexOf(`train@${model}`)).toBeLessThan(
          started.indexOf(`eval@${model}-${split}`),
        );
      }
    }
    expect(await rig.read('eval-b-test.json')).toBe('42\nb\n');
  });

  it('re-runs what DVC would: nothing when unchanged, everything downstream of a tracked param, nothing for an untracked one', async () => {
    await rig.run('repro', '-f', 'dvc.yaml', '--json');
    const again = await rig.run('repro', '-f', 'dvc.yaml', '--json');
    expect(new Set(Object.values(outcomes(again)))).toEqual(new Set(['fresh']));

    await rig.write({'params.yaml': 'prepare:\n  seed: 42\n  unused: 2\n'});
    const untracked = await rig.run('repro', '-f', 'dvc.yaml', '--json');
    expect(new Set(Object.values(outcomes(untracked)))).toEqual(new Set(['fresh']));

    await rig.write({'params.yaml': 'prepare:\n  seed: 7\n  unused: 2\n'});
    const tracked = await rig.run('repro', '-f', 'dvc.yaml', '--json');
    expect(new Set(Object.values(outcomes(tracked)))).toEqual(new Set(['run']));
    expect(await rig.read('eval-a-dev.json')).toBe('7\na\n');
  });

  it('a target selects its upstream; a foreach group name selects all its items', async () => {
    const one = await rig.run('repro', '-f', 'dvc.yaml', 'eval@b-dev', '--json');
    expect(Object.keys(outcomes(one)).sort()).toEqual(['eval@b-dev', 'prepare', 'train@b']);
    const group = await rig.run('repro', '-f', 'dvc.yaml', 'train', '--json', '--dry');
    expect(Object.keys(outcomes(group)).sort()).toEqual(['prepare', 'train@a', 'train@b']);
  });
});

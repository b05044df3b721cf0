import {rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {outcomes, Rig, stageEvent} from './rig.js';

const PIPELINE = `stages:
  upper:
    cmd: tr a-z A-Z < in.txt > out/upper.txt && echo upper >> runs.log
    deps: [in.txt]
    outs: [out/upper.txt]
  count:
    cmd: wc -c < out/upper.txt | tr -d ' ' > out/count.txt && echo count >> runs.log
    deps: [out/upper.txt]
    outs: [out/count.txt]
  other:
    cmd: cat other.txt > out/other.txt && echo other >> runs.log
    deps: [other.txt]
    params: [greeting]
    outs: [out/other.txt]
  final:
    cmd: cat out/count.txt out/other.txt > final.txt && echo final >> runs.log
    deps: [out/count.txt, out/other.txt]
    outs: [final.txt]
`;

let rig: Rig;
beforeEach(async () => {
  rig = await Rig.create();
  await rig.write({
    'pipeline.yaml': PIPELINE,
    'params.yaml': 'greeting: hello\nunused: 1\n',
    'in.txt': 'abc\n',
    'other.txt': 'other\n',
  });
});
afterEach(() => rig.cleanup());

/** Which commands actually executed, in order, since the log was last cleared. */
async function executed(): Promise<string[]> {
  const log = await rig.readOr('runs.log', '');
  await writeFile(path.join(rig.dir, 'runs.log'), '');
  return log.split('\n').filter(Boolean).sort();
}

describe('repro', () => {
  it('runs everything first, then nothing', async () => {
    const first = await rig.run('repro', '--json');
    expect(first.code).toBe(0);
    expect(outcomes(first)).toEqual({upper: 'run', count: 'run', other: 'run', final: 'run'});
    expect(await rig.read('final.txt')).toBe('4\nother\n');
    expect(await executed()).toEqual(['count', 'final', 'other', 'upper']);

    const second = await rig.run('repro', '--json');
    expect(second.code).toBe(0);
    expect(outcomes(second)).toEqual({
      upper: 'fresh',
      count: 'fresh',
      other: 'fresh',
      final: 'fresh',
    });
    expect(await executed()).toEqual([]);
    expect(await rig.read('pipeline.lock')).toContain('schema: 1');
  });

  it('re-runs exactly a changed dep stage and its dependents, and restores a revert from the run-cache', async () => {
    await rig.run('repro', '--json');
    await executed();
    await rig.write({'in.txt': 'abcdef\n'});
    const changed = await rig.run('repro', '--json');
    expect(outcomes(changed)).toEqual({upper: 'run', count: 'run', other: 'fresh', final: 'run'});
    expect(stageEvent(changed, 'upper')?.reasons).toEqual([
      {kind: 'dep-changed', path: 'in.txt', change: 'modified'},
    ]);
    expect(await executed()).toEqual(['count', 'final', 'upper']);
    expect(await rig.read('final.txt')).toBe('7\nother\n');

    await rig.write({'in.txt': 'abc\n'});
    const reverted = await rig.run('repro', '--json');
    expect(outcomes(reverted)).toEqual({
      upper: 'cached',
      count: 'cached',
      other: 'fresh',
      final: 'cached',
    });
    expect(await executed()).toEqual([]);
    expect(await rig.read('out/upper.txt')).toBe('ABC\n');
    expect(await rig.read('final.txt')).toBe('4\nother\n');
  });

  it('restores a deleted out from the cache without running', async () => {
    await rig.run('repro', '--json');
    await executed();
    await rm(path.join(rig.dir, 'out/count.txt'));
    const result = await rig.run('repro', '--json');
    expect(outcomes(result)).toEqual({
      upper: 'fresh',
      count: 'cached',
      other: 'fresh',
      final: 'fresh',
    });
    expect(stageEvent(result, 'count')?.reasons).toEqual([
      {kind: 'out-changed', path: 'out/count.txt', change: 'deleted'},
    ]);
    expect(await rig.read('out/count.txt')).toBe('4\n');
    expect(await executed()).toEqual([]);
  });

  it('re-runs only the stages that list a changed params key', async () => {
    await rig.run('repro', '--json');
    await executed();
    await rig.write({'params.yaml': 'greeting: bonjour\nunused: 2\n'});
    const result = await rig.run('repro', '--json');
    expect(outcomes(result)).toEqual({
      upper: 'fresh',
      count: 'fresh',
      other: 'run',
      final: 'fresh',
    });
    expect(stageEvent(result, 'other')?.reasons).toEqual([
      {kind: 'param-changed', key: 'greeting', file: 'params.yaml'},
    ]);
    expect(await executed()).toEqual(['other']);
  });

  it('--set overrides a param for one run; the next plain run restores from the run-cache', async () => {
    await rig.run('repro', '--json');
    await executed();
    const set = await rig.run('repro', '--json', '--set', 'greeting=salut');
    expect(outcomes(set).other).toBe('run');
    expect(await rig.read('pipeline.lock')).toContain('greeting: salut');
    expect(await rig.read('params.yaml')).toBe('greeting: hello\nunused: 1\n');
    const plain = await rig.run('repro', '--json');
    expect(outcomes(plain).other).toBe('cached');
  });

  it('--keep-going skips exactly the dependents of a failed stage', async () => {
    await rig.write({
      'pipeline.yaml': `stages:
  bad:
    cmd: exit 3
    outs: [bad.txt]
  after_bad:
    cmd: cp bad.txt after.txt
    deps: [bad.txt]
    outs: [after.txt]
  last:
    cmd: cp after.txt last.txt
    deps: [after.txt]
    outs: [last.txt]
  good:
    cmd: sleep 0.3 && echo ok > good.txt
    outs: [good.txt]
`,
    });
    const result = await rig.run('repro', '--json', '--keep-going');
    expect(result.code).toBe(1);
    expect(outcomes(result)).toEqual({
      bad: 'failed',
      after_bad: 'skipped',
      last: 'skipped',
      good: 'run',
    });
    expect(stageEvent(result, 'bad')?.reasons).toEqual([{kind: 'exit-non-zero', code: 3}]);
    expect(stageEvent(result, 'after_bad')?.reasons).toEqual([
      {kind: 'upstream-failed', stage: 'bad'},
    ]);
    expect(stageEvent(result, 'last')?.reasons).toEqual([
      {kind: 'upstream-failed', stage: 'after_bad'},
    ]);
    expect(await rig.read('good.txt')).toBe('ok\n');
  });

  it('by default stops starting new stages after a failure', async () => {
    await rig.write({
      'pipeline.yaml': `stages:
  bad:
    cmd: exit 1
    outs: [bad.txt]
  later:
    cmd: echo x > later.txt
    deps: [bad.txt]
    outs: [later.txt]
`,
    });
    const result = await rig.run('repro', '--json', '--jobs', '1');
    expect(result.code).toBe(1);
    expect(outcomes(result)).toEqual({bad: 'failed', later: 'skipped'});
  });

  it('re-runs the stages of a local plugin whose code was edited', async () => {
    const plugin = (
      suffix: string,
    ): string => `import {readFile, writeFile} from 'node:fs/promises';
export default {
  name: 'shout',
  version: '1.0.0',
  description: 'Upper-cases a file',
  params: {type: 'object', properties: {suffix: {type: 'string', default: '!'}}, additionalProperties: false},
  async run(ctx) {
    const text = await readFile(ctx.deps[0], 'utf8');
    await writeFile(ctx.outs[0], text.trim().toUpperCase() + ctx.params.suffix + '${suffix}');
  },
};
`;
    await rig.write({
      'plugins/shout/index.js': plugin(''),
      'pipeline.yaml': `stages:
  shout:
    uses: ./plugins/shout
    with: {suffix: '?'}
    deps: [in.txt]
    outs: [shout.txt]
  copy:
    cmd: cp shout.txt copy.txt
    deps: [shout.txt]
    outs: [copy.txt]
`,
    });
    const first = await rig.run('repro', '--json');
    expect(first.code).toBe(0);
    expect(await rig.read('copy.txt')).toBe('ABC?');
    expect(outcomes(await rig.run('repro', '--json'))).toEqual({shout: 'fresh', copy: 'fresh'});

    await rig.write({'plugins/shout/index.js': plugin('#')});
    const edited = await rig.run('repro', '--json');
    expect(outcomes(edited)).toEqual({shout: 'run', copy: 'run'});
    expect(stageEvent(edited, 'shout')?.reasons).toEqual([
      {kind: 'plugin-changed', detail: 'code changed'},
    ]);
    expect(await rig.read('copy.txt')).toBe('ABC?#');
  });

  it('a failed plugin stage keeps its previous outputs and lock entry', async () => {
    await rig.write({
      'plugins/flaky/index.js': `import {readFile, writeFile} from 'node:fs/promises';
export default {name: 'flaky', version: '1.0.0', description: 'fails on demand', params: {type: 'object'},
  async run(ctx) {
    const text = await readFile(ctx.deps[0], 'utf8');
    await writeFile(ctx.outs[0], 'partial');
    if (text.includes('fail')) throw new Error('asked to fail');
    await writeFile(ctx.outs[0], text);
  }};
`,
      'pipeline.yaml': `stages:
  flaky:
    uses: ./plugins/flaky
    deps: [in.txt]
    outs: [flaky.txt]
`,
    });
    expect((await rig.run('repro', '--json')).code).toBe(0);
    const lock = await rig.read('pipeline.lock');
    await rig.write({'in.txt': 'please fail\n'});
    const failed = await rig.run('repro', '--json');
    expect(failed.code).toBe(1);
    expect(stageEvent(failed, 'flaky')?.reasons).toEqual([
      {kind: 'plugin-error', message: 'asked to fail'},
    ]);
    expect(await rig.read('flaky.txt')).toBe('abc\n');
    expect(await rig.read('pipeline.lock')).toBe(lock);
  });

  it('status explains what would run and why, without running it', async () => {
    await rig.run('repro', '--json');
    await executed();
    await rig.write({'other.txt': 'changed\n'});
    const result = await rig.run('status', '--json');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      upToDate: boolean;
      stages: {stage: string; outcome: string; reasons: unknown[]}[];
    };
    expect(doc.upToDate).toBe(false);
    expect(Object.fromEntries(doc.stages.map((s) => [s.stage, s.outcome]))).toEqual({
      upper: 'fresh',
      count: 'fresh',
      other: 'run',
      final: 'run',
    });
    expect(doc.stages.find((s) => s.stage === 'final')?.reasons).toEqual([
      {kind: 'upstream-changed', stage: 'other'},
    ]);
    expect(await executed()).toEqual([]);
  });

  it('runs independent stages concurrently and a dry run changes nothing', async () => {
    const dry = await rig.run('repro', '--json', '--dry');
    expect(outcomes(dry)).toEqual({upper: 'run', count: 'run', other: 'run', final: 'run'});
    expect(await rig.readOr('final.txt', 'absent')).toBe('absent');
    expect(await rig.readOr('pipeline.lock', 'absent')).toBe('absent');
  });

  it('--single-item, --downstream and --force select stages like DVC', async () => {
    await rig.run('repro', '--json');
    await executed();
    expect(Object.keys(outcomes(await rig.run('repro', 'count', '--json')))).toEqual([
      'upper',
      'count',
    ]);
    expect(
      Object.keys(outcomes(await rig.run('repro', 'count', '--single-item', '--json'))),
    ).toEqual(['count']);
    expect(
      Object.keys(outcomes(await rig.run('repro', 'count', '--downstream', '--json'))).sort(),
    ).toEqual(['count', 'final']);
    const forced = await rig.run('repro', 'count', '--force', '--json');
    expect(outcomes(forced)).toEqual({upper: 'run', count: 'run'});
    expect(await executed()).toEqual(['count', 'upper']);
  });
});

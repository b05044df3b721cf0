import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {outcomes, Rig, stageEvent} from './rig.js';

// Fails until its third attempt: each attempt bumps a counter outside the declared outs.
const flaky = (retries: number): string => `stages:
  flaky:
    cmd: n=$(cat attempts 2>/dev/null || echo 0); n=$((n+1)); echo $n > attempts; test $n -ge 3 && echo ok > out.txt
    outs: [out.txt]
    retries: ${retries}
`;

let rig: Rig;
beforeEach(async () => {
  rig = await Rig.create();
});
afterEach(() => rig.cleanup());

describe('retries and timeouts', () => {
  it('a stage that fails twice then succeeds passes with retries: 2, reporting its attempts', async () => {
    await rig.write({'pipeline.yaml': flaky(2)});
    const result = await rig.run('repro', '--json');
    expect(result.code).toBe(0);
    expect(stageEvent(result, 'flaky')).toMatchObject({outcome: 'run', attempts: 3});
    expect(
      result.events
        .filter((e) => e.type === 'stage-start')
        .map((e) => (e.type === 'stage-start' ? e.attempt : 0)),
    ).toEqual([1, 2, 3]);
    expect(await rig.read('out.txt')).toBe('ok\n');
  });

  it('the same stage fails with retries: 1', async () => {
    await rig.write({'pipeline.yaml': flaky(1)});
    const result = await rig.run('repro', '--json');
    expect(result.code).toBe(1);
    expect(stageEvent(result, 'flaky')).toMatchObject({
      outcome: 'failed',
      attempts: 2,
      reasons: [{kind: 'exit-non-zero', code: 1}],
    });
    expect(await rig.read('attempts')).toBe('2\n');
  });

  it('a stage over its timeout fails with a timeout and leaves no partial output', async () => {
    await rig.write({
      'pipeline.yaml': `stages:
  slow:
    cmd: echo partial > out.txt && sleep 30 && echo done > out.txt
    outs: [out.txt]
    timeout: 1s
`,
    });
    const result = await rig.run('repro', '--json');
    expect(result.code).toBe(1);
    expect(outcomes(result)).toEqual({slow: 'failed'});
    expect(stageEvent(result, 'slow')?.reasons).toEqual([{kind: 'timeout', ms: 1000}]);
    expect(await rig.readOr('out.txt', 'absent')).toBe('absent');
  });

  it('a plugin over its timeout is stopped the same way', async () => {
    await rig.write({
      'plugins/stall/index.js': `import {writeFile} from 'node:fs/promises';
export default {name: 'stall', version: '1.0.0', description: 'never ends', params: {type: 'object'},
  async run(ctx) { await writeFile(ctx.outs[0], 'partial'); await new Promise(() => {}); }};
`,
      'pipeline.yaml': `stages:
  stall:
    uses: ./plugins/stall
    outs: [stall.txt]
    timeout: 1s
`,
    });
    const result = await rig.run('repro', '--json');
    expect(result.code).toBe(1);
    expect(stageEvent(result, 'stall')?.reasons).toEqual([{kind: 'timeout', ms: 1000}]);
    expect(await rig.readOr('stall.txt', 'absent')).toBe('absent');
  });
});

import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {outcomes, Rig, stageEvent, waitFor} from './rig.js';

// The stage writes a partial output, records its process group, then waits to be stopped.
const PIPELINE = `stages:
  slow:
    cmd: if grep -q slow in.txt; then echo partial > out.txt; echo $$ > pid.txt; sleep 30; fi; cat in.txt > out.txt
    deps: [in.txt]
    outs: [out.txt]
`;

let rig: Rig;
beforeEach(async () => {
  rig = await Rig.create();
  await rig.write({'pipeline.yaml': PIPELINE, 'in.txt': 'v1\n'});
  const first = await rig.run('repro', '--json');
  expect(first.code).toBe(0);
  await rig.write({'in.txt': 'slow v2\n'});
});
afterEach(async () => {
  const pid = Number(await rig.readOr('pid.txt', '0'));
  if (pid > 0) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await rig.cleanup();
});

const started = (): Promise<boolean> => rig.readOr('pid.txt', '').then((t) => t.trim().length > 0);

async function tmpLeftovers(): Promise<string[]> {
  try {
    return await readdir(path.join(rig.dir, '.runner', 'tmp'));
  } catch {
    return [];
  }
}

describe('interrupted runs lose nothing', () => {
  it('a stage process killed with SIGKILL fails the stage and keeps the previous out and lock', async () => {
    const lock = await rig.read('pipeline.lock');
    const run = rig.start(['repro', '--json']);
    await waitFor(started);
    process.kill(Number(await rig.read('pid.txt')), 'SIGKILL');
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(stageEvent(result, 'slow')?.reasons).toEqual([{kind: 'killed', signal: 'SIGKILL'}]);
    expect(await rig.read('out.txt')).toBe('v1\n');
    expect(await rig.read('pipeline.lock')).toBe(lock);
  });

  it('SIGINT stops the command, restores the previous out, keeps the lock and exits 130', async () => {
    const lock = await rig.read('pipeline.lock');
    const run = rig.start(['repro', '--json']);
    await waitFor(started);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(outcomes(result)).toEqual({slow: 'failed'});
    expect(await rig.read('out.txt')).toBe('v1\n');
    expect(await rig.read('pipeline.lock')).toBe(lock);
  });

  it('after the runner itself is killed, the next run takes over its lock and puts the previous out back', async () => {
    const lock = await rig.read('pipeline.lock');
    const run = rig.start(['repro', '--json']);
    await waitFor(started);
    run.child.kill('SIGKILL');
    await run.done;
    process.kill(-Number(await rig.read('pid.txt')), 'SIGKILL');
    expect(await rig.read('pipeline.lock')).toBe(lock);

    await rig.write({'in.txt': 'v1\n'});
    const next = await rig.run('repro', '--json');
    expect(next.code).toBe(0);
    expect(outcomes(next)).toEqual({slow: 'fresh'});
    expect(await rig.read('out.txt')).toBe('v1\n');
    expect(await rig.read('pipeline.lock')).toBe(lock);
    expect(await tmpLeftovers()).toEqual([]);
  });

  it('a second repro in the same project exits 3 while the first runs', async () => {
    const first = rig.start(['repro', '--json']);
    await waitFor(started);
    const second = await rig.run('repro', '--json');
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/Another run \(process \d+, started .+\) is using this project/);
    first.child.kill('SIGINT');
    expect((await first.done).code).toBe(130);
    expect(await rig.read('out.txt')).toBe('v1\n');
  });
});

import {copyFile, readFile} from 'node:fs/promises';
import path from 'node:path';
import {createHash} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
  EMULATOR_SKIP_MESSAGE,
  emulatorInstalled,
  startEmulator,
  type RunningEmulator,
} from '../remote/emulator.js';
import {REPO_ROOT, Rig} from './rig.js';

if (!emulatorInstalled) console.warn(EMULATOR_SKIP_MESSAGE);

// Two machines: two separate clones whose only shared thing is a bucket on a real GCS server.
describe.skipIf(!emulatorInstalled)('experiments shared through a GCS remote', () => {
  let gcs: RunningEmulator;
  let alice: Rig;
  let bob: Rig;

  beforeAll(async () => {
    gcs = await startEmulator();
    [alice, bob] = await Promise.all([Rig.create(), Rig.create()]);
    for (const rig of [alice, bob]) {
      rig.env = {STORAGE_EMULATOR_HOST: gcs.host, GCLOUD_PROJECT: 'demo-test'};
      for (const file of ['pipeline.yaml', 'params.yaml'])
        await copyFile(path.join(REPO_ROOT, file), path.join(rig.dir, file));
      const added = await rig.run(
        'remote',
        'add',
        'team',
        'gs://experiments/segmentation',
        '--default',
      );
      expect(added.code).toBe(0);
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all([alice.cleanup(), bob.cleanup()]);
    await gcs.stop();
  });

  it('experiments pushed by one machine are shown and applied by the other', async () => {
    const run = await alice.run(
      'exp',
      'run',
      '--name',
      'small-k4',
      '--set',
      'data.sampleRows=8000',
      '--set',
      'train.k=4',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const push = await alice.run('exp', 'push');
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);

    const pulled = await bob.run('exp', 'pull');
    expect(pulled.stdout).toContain('Pulled 1 experiment');
    const table = JSON.parse((await bob.run('exp', 'show', '--json')).stdout) as {
      rows: {
        id: string;
        name: string;
        params: Record<string, unknown>;
        metrics: Record<string, unknown>;
      }[];
    };
    expect(table.rows.map((r) => [r.name, r.params['train.k'], r.metrics['n_clusters']])).toEqual([
      ['small-k4', 4, 4],
    ]);

    const applied = await bob.run('exp', 'apply', 'small-k4');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const record = JSON.parse(
      await readFile(
        path.join(alice.dir, '.runner', 'exps', `${table.rows[0]?.id ?? ''}.json`),
        'utf8',
      ),
    ) as {lock: {stages: Record<string, {outs: {path: string; md5: string}[]}>}};
    const expected = record.lock.stages['train']?.outs.find(
      (o) => o.path === 'models/model.json',
    )?.md5;
    const actual = createHash('md5')
      .update(await readFile(path.join(bob.dir, 'models/model.json')))
      .digest('hex');
    expect(actual).toBe(expected);
    expect(await bob.read('params.yaml')).toMatch(/\n {2}k: 4\n/);
  });
});

import {randomBytes} from 'node:crypto';
import {copyFile, mkdtemp} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {outcomes, REPO_ROOT, Rig} from '../e2e/rig.js';
import {
  EMULATOR_SKIP_MESSAGE,
  emulatorInstalled,
  startEmulator,
  type RunningEmulator,
} from './emulator.js';
import {testTmp} from '../support/temp-dirs.js';

if (!emulatorInstalled) console.warn(EMULATOR_SKIP_MESSAGE);

// Stages whose outs go to the remote; deploy's only out (reports/deploy.json) is kept in git.
const CACHED_STAGES = ['download', 'clean', 'rfm', 'seasonality', 'train', 'evaluate'];

/**
 * The flagship pipeline run once by the compiled CLI, pushed, then restored in a fresh clone
 * (pipeline.yaml, params.yaml and pipeline.lock only) by `repro --pull`: nothing but deploy runs.
 */
describe('flagship outputs through a remote, with the compiled CLI', () => {
  let origin: Rig;
  let emulator: RunningEmulator | undefined;
  const clones: Rig[] = [];
  beforeAll(async () => {
    if (emulatorInstalled) {
      emulator = await startEmulator();
      process.env['STORAGE_EMULATOR_HOST'] = emulator.host;
    }
    origin = await Rig.create();
    for (const file of ['pipeline.yaml', 'params.yaml']) {
      await copyFile(path.join(REPO_ROOT, file), path.join(origin.dir, file));
    }
    const first = await origin.run('repro', '--json');
    if (first.code !== 0) throw new Error(`flagship repro failed: ${first.stderr}`);
  }, 300_000);
  afterAll(async () => {
    delete process.env['STORAGE_EMULATOR_HOST'];
    await emulator?.stop();
    await origin?.cleanup();
    for (const clone of clones) await clone.cleanup();
  });

  const roundTrip = async (url: string): Promise<void> => {
    const name = `r${randomBytes(3).toString('hex')}`;
    const added = await origin.run('remote', 'add', name, url);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const pushed = await origin.run('push', ...CACHED_STAGES, '-r', name);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    const again = await origin.run('status', '--cloud', '-r', name, '--json');
    expect(again.code).toBe(0);

    const clone = await Rig.create();
    clones.push(clone);
    for (const file of ['pipeline.yaml', 'params.yaml', 'pipeline.lock']) {
      await copyFile(path.join(origin.dir, file), path.join(clone.dir, file));
    }
    const restored = await clone.run('repro', '--pull', '-r', name, '--json');
    expect(restored.code).toBe(0);
    const {deploy, ...rest} = outcomes(restored);
    expect(deploy).toBe('run');
    expect(rest).toEqual(Object.fromEntries(CACHED_STAGES.map((stage) => [stage, 'cached'])));
    for (const out of [
      'models/model.json',
      'reports/metrics.json',
      'data/processed/recommendations.parquet',
    ]) {
      expect(await clone.read(out)).toBe(await origin.read(out));
    }
  };

  it('a folder remote restores every stage in a fresh clone without running any', async () => {
    await roundTrip(await mkdtemp(path.join(testTmp(), 'flagship-remote-')));
  }, 300_000);

  it.skipIf(!emulatorInstalled)(
    'a gs:// remote on the emulator does the same',
    async () => {
      await roundTrip(`gs://flagship-tests/${randomBytes(4).toString('hex')}`);
    },
    300_000,
  );
});

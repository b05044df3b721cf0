import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {localObjectPath} from '../../runner/src/remote/cache-keys.js';
import {openRemote} from '../../runner/src/remote/open-remote.js';
import {RemoteError} from '../../runner/src/remote/remote-store.js';
import type {RetryPolicy} from '../../runner/src/remote/retry.js';
import {runFetch, runPush} from '../../runner/src/remote/transfer-commands.js';
import {
  EMULATOR_SKIP_MESSAGE,
  emulatorInstalled,
  startEmulator,
  type RunningEmulator,
} from './emulator.js';
import {makeProject} from './project-fixture.js';
import {allIds, cloneOf, filesUnder, remoteIds} from './remote-suite.js';
import {FlakyProxy} from './tcp-proxy.js';

if (!emulatorInstalled) console.warn(EMULATOR_SKIP_MESSAGE);

const FAST_RETRY: RetryPolicy = {attempts: 3, baseDelayMs: 20, maxDelayMs: 100};

describe.skipIf(!emulatorInstalled)(
  'gs:// remote over a flaky network (TCP proxy in front of the emulator)',
  () => {
    let emulator: RunningEmulator;
    let proxy: FlakyProxy;
    let run = 0;
    beforeAll(async () => {
      emulator = await startEmulator();
      proxy = await new FlakyProxy(emulator.port).start();
    });
    afterEach(() => proxy.up());
    afterAll(async () => {
      delete process.env['STORAGE_EMULATOR_HOST'];
      await proxy?.stop();
      await emulator?.stop();
    });
    /** Two views of one bucket prefix: through the proxy, and straight to the server. */
    const remotes = (retry: RetryPolicy = FAST_RETRY) => {
      const url = `gs://fault-tests/run-${run++}`;
      process.env['STORAGE_EMULATOR_HOST'] = proxy.host;
      const flaky = openRemote(url, '/', {retry, stallTimeoutMs: 1500});
      process.env['STORAGE_EMULATOR_HOST'] = emulator.host;
      const direct = openRemote(url, '/');
      return {flaky, direct};
    };

    it('a push cut off midway fails, and the retried push completes by sending only what is missing', async () => {
      const project = await makeProject({fileSize: 256 * 1024, dirFiles: 6});
      const {flaky, direct} = remotes({attempts: 2, baseDelayMs: 20, maxDelayMs: 50});
      // The network goes down for good after about a megabyte.
      proxy.downAfterTotalBytes = 1024 * 1024;
      const first = await runPush({root: project.root, lock: project.lock, remote: flaky, jobs: 2});
      expect(first.ok).toBe(false);
      expect(proxy.cuts).toBeGreaterThan(0);
      const arrived = await remoteIds(direct);
      expect(arrived.length).toBeGreaterThan(0);
      expect(arrived.length).toBeLessThan(allIds(project).length);
      // Objects that arrived are whole: each one's md5 is its name.
      for (const id of arrived)
        expect((await direct.stat(`files/md5/${id.slice(0, 2)}/${id.slice(2)}`))?.md5).toBe(
          id.replace('.dir', ''),
        );

      proxy.up();
      const second = await runPush({
        root: project.root,
        lock: project.lock,
        remote: flaky,
        jobs: 2,
      });
      expect(second).toMatchObject({
        ok: true,
        value: {
          transferred: allIds(project).length - arrived.length,
          alreadyPresent: arrived.length,
          failures: [],
        },
      });
      expect(await remoteIds(direct)).toEqual(allIds(project));
    });

    it('connections reset now and then are retried with backoff within one push', async () => {
      const project = await makeProject({fileSize: 200 * 1024, dirFiles: 3});
      const {flaky, direct} = remotes({attempts: 6, baseDelayMs: 20, maxDelayMs: 200});
      const cutsBefore = proxy.cuts;
      // Every connection dies after 100 KB until three have died.
      proxy.cutUploadsAfter(100 * 1024);
      proxy.maxCuts = cutsBefore + 3;
      const pushed = await runPush({
        root: project.root,
        lock: project.lock,
        remote: flaky,
        jobs: 2,
      });
      expect(proxy.cuts - cutsBefore).toBe(3);
      expect(pushed).toMatchObject({
        ok: true,
        value: {transferred: allIds(project).length, failures: []},
      });
      expect(await remoteIds(direct)).toEqual(allIds(project));
    });

    it('an interrupted download leaves no partial file, in the cache or beside it', async () => {
      const project = await makeProject({fileSize: 512 * 1024, dirFiles: 1});
      const {flaky, direct} = remotes();
      const pushed = await runPush({
        root: project.root,
        lock: project.lock,
        remote: direct,
        jobs: 2,
      });
      expect(pushed.ok).toBe(true);
      const clone = await cloneOf(project);
      const cacheDir = join(clone, '.runner', 'cache');
      // Every connection breaks after 64 KB from the server.
      proxy.cutDownloadsAfter(64 * 1024);
      const fetched = await runFetch({
        root: clone,
        lock: project.lock,
        stages: ['prepare'],
        remote: flaky,
        jobs: 1,
      });
      if (fetched.ok || fetched.error.reason !== 'incomplete')
        throw new Error('expected an incomplete fetch');
      const big = project.lock.stages['prepare']!.outs.find((o) => o.path === 'data/a.bin')!.md5;
      expect(fetched.error.summary.failures).toEqual([
        expect.objectContaining({id: big, reason: 'transient'}),
      ]);
      expect(existsSync(localObjectPath(cacheDir, big))).toBe(false);
      expect((await filesUnder(cacheDir)).filter((f) => f.includes('runner-tmp'))).toEqual([]);

      // Straight through the store API: it throws, and leaves nothing beside the target.
      const target = join(clone, 'direct-download.bin');
      const key = `files/md5/${big.slice(0, 2)}/${big.slice(2)}`;
      await expect(flaky.download(key, target, {expectedMd5: big})).rejects.toBeInstanceOf(
        RemoteError,
      );
      expect((await filesUnder(clone)).filter((f) => !f.startsWith('.runner/'))).toEqual([
        'pipeline.lock',
      ]);

      proxy.up();
      const retried = await runFetch({
        root: clone,
        lock: project.lock,
        stages: ['prepare'],
        remote: flaky,
        jobs: 1,
      });
      expect(retried).toMatchObject({ok: true, value: {transferred: 1, failures: []}});
      expect(existsSync(localObjectPath(cacheDir, big))).toBe(true);
    });
  },
);

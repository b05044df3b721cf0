import {copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {expect, it} from 'vitest';
import {
  localObjectPath,
  localRunPath,
  objectKey,
  runKey,
} from '../../runner/src/remote/cache-keys.js';
import {runGc} from '../../runner/src/remote/gc.js';
import type {RemoteStore} from '../../runner/src/remote/remote-store.js';
import {
  fetchRun,
  runFetch,
  runPull,
  runPush,
  runStatusCloud,
} from '../../runner/src/remote/transfer-commands.js';
import {bytesFor, fingerprintOf, makeProject, type FixtureProject} from './project-fixture.js';
import {testTmp} from '../support/temp-dirs.js';

/** Every file under a folder, relative, sorted (to show that no temp file was left behind). */
export async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, {recursive: true, withFileTypes: true});
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** A fresh clone: only pipeline.lock, no cache, no outs. */
export async function cloneOf(project: FixtureProject): Promise<string> {
  const root = await mkdtemp(join(testTmp(), 'remote-clone-'));
  await copyFile(join(project.root, 'pipeline.lock'), join(root, 'pipeline.lock'));
  return root;
}

async function copyObject(fromCache: string, toCache: string, id: string): Promise<void> {
  await mkdir(dirname(localObjectPath(toCache, id)), {recursive: true});
  await copyFile(localObjectPath(fromCache, id), localObjectPath(toCache, id));
}

/** Every object id of the project: outs, the manifest, and the folder's files. */
export function allIds(project: FixtureProject): string[] {
  return [...new Set([...project.objectIds, ...project.dirFileIds])].sort();
}

export async function remoteIds(remote: RemoteStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of remote.list('files/md5/')) keys.push(entry.key);
  return keys.map((key) => key.slice('files/md5/'.length).replace('/', '')).sort();
}

/**
 * The transfer, gc and status tests, run once per kind of remote. `newRemote` gives an empty
 * remote for each test.
 */
export function defineRemoteSuite(newRemote: () => RemoteStore): void {
  it('push then pull into a fresh clone restores every out byte for byte, with run records', async () => {
    const project = await makeProject();
    const remote = newRemote();
    const pushed = await runPush({root: project.root, lock: project.lock, remote, jobs: 4});
    expect(pushed).toMatchObject({
      ok: true,
      value: {transferred: allIds(project).length, runRecords: 2, failures: []},
    });
    expect(await remoteIds(remote)).toEqual(allIds(project));

    const clone = await cloneOf(project);
    let lastBytes = 0;
    const pulled = await runPull({
      root: clone,
      lock: project.lock,
      remote,
      jobs: 4,
      onProgress: (p) => (lastBytes = p.bytesDone),
    });
    expect(pulled.ok).toBe(true);
    if (!pulled.ok) return;
    expect(pulled.value.transferred).toBe(allIds(project).length);
    expect(pulled.value.runRecords).toBe(2);
    expect([...pulled.value.checkout.restored].sort()).toEqual([
      'data/a.bin',
      'data/b.txt',
      'data/processed',
      'models/model.json',
    ]);
    expect(lastBytes).toBeGreaterThan(0);
    for (const rel of [
      'data/a.bin',
      'data/b.txt',
      'models/model.json',
      'data/processed/part-0.bin',
      'data/processed/part-2.bin',
    ]) {
      expect(await readFile(join(clone, rel))).toEqual(await readFile(join(project.root, rel)));
    }
    for (const stage of Object.values(project.lock.stages)) {
      expect(existsSync(localRunPath(join(clone, '.runner', 'cache'), stage.fingerprint))).toBe(
        true,
      );
    }
    // A second pull has nothing to do and does not contact the remote for objects.
    const again = await runPull({root: clone, lock: project.lock, remote, jobs: 4});
    expect(again).toMatchObject({
      ok: true,
      value: {transferred: 0, checkout: {restored: [], unchanged: 4}},
    });
  });

  it('moves only missing objects: a stage first, then the rest, then nothing', async () => {
    const project = await makeProject();
    const remote = newRemote();
    const first = await runPush({
      root: project.root,
      lock: project.lock,
      stages: ['prepare'],
      remote,
      jobs: 2,
    });
    expect(first).toMatchObject({ok: true, value: {transferred: 2, runRecords: 1}});
    const second = await runPush({root: project.root, lock: project.lock, remote, jobs: 2});
    expect(second).toMatchObject({
      ok: true,
      value: {transferred: allIds(project).length - 2, alreadyPresent: 2, runRecords: 1},
    });
    const third = await runPush({root: project.root, lock: project.lock, remote, jobs: 2});
    expect(third).toMatchObject({ok: true, value: {transferred: 0, bytes: 0, runRecords: 0}});
  });

  it('skips outs declared cache: false (kept in git) and still moves the run records naming them', async () => {
    const project = await makeProject();
    const remote = newRemote();
    const inGit = project.lock.stages['prepare']!.outs.find((o) => o.path === 'data/b.txt')!.md5;
    await rm(localObjectPath(project.cacheDir, inGit));
    const uncached = ['data/b.txt'];
    const pushed = await runPush({
      root: project.root,
      lock: project.lock,
      remote,
      jobs: 2,
      uncached,
    });
    expect(pushed).toMatchObject({
      ok: true,
      value: {transferred: allIds(project).length - 1, runRecords: 2},
    });
    const clone = await cloneOf(project);
    const pulled = await runPull({root: clone, lock: project.lock, remote, jobs: 2, uncached});
    expect(pulled).toMatchObject({ok: true, value: {runRecords: 2, failures: []}});
    expect(pulled.ok && [...pulled.value.checkout.restored].sort()).toEqual([
      'data/a.bin',
      'data/processed',
      'models/model.json',
    ]);
    const train = project.lock.stages['prepare']!;
    expect(
      await fetchRun({
        root: await cloneOf(project),
        remote,
        fingerprint: train.fingerprint,
        jobs: 2,
        uncached,
      }),
    ).toEqual({ok: true, value: true});
  });

  it('rejects an unknown stage with the known ones listed', async () => {
    const project = await makeProject();
    const result = await runPush({
      root: project.root,
      lock: project.lock,
      stages: ['trian'],
      remote: newRemote(),
      jobs: 1,
    });
    expect(result).toMatchObject({ok: false, error: {reason: 'unknown-stage'}});
    expect(!result.ok && result.error.message).toContain('Known stages: prepare, train');
  });

  it('detects a corrupted remote object on pull and keeps nothing of it locally', async () => {
    const project = await makeProject();
    const remote = newRemote();
    await runPush({root: project.root, lock: project.lock, remote, jobs: 2});
    const victim = project.lock.stages['prepare']!.outs.find((o) => o.path === 'data/a.bin')!.md5;
    const bad = join(project.root, 'bad.bin');
    await writeFile(bad, bytesFor('tampered', 1000));
    await remote.upload(bad, objectKey(victim));

    const clone = await cloneOf(project);
    const pulled = await runPull({root: clone, lock: project.lock, remote, jobs: 2});
    expect(pulled.ok).toBe(false);
    if (pulled.ok || pulled.error.reason !== 'incomplete')
      throw new Error('expected an incomplete pull');
    expect(pulled.error.summary.failures).toEqual([
      expect.objectContaining({id: victim, reason: 'md5-mismatch'}),
    ]);
    expect(pulled.error.message).toContain('corrupted');
    const cacheDir = join(clone, '.runner', 'cache');
    expect(existsSync(localObjectPath(cacheDir, victim))).toBe(false);
    const files = await filesUnder(cacheDir);
    expect(files.filter((f) => f.includes('runner-tmp'))).toEqual([]);
    // Every other object arrived.
    expect(files.filter((f) => f.startsWith('files/')).length).toBe(allIds(project).length - 1);
    // The run record of the stage with the bad object is not written, the other one is.
    expect(existsSync(localRunPath(cacheDir, project.lock.stages['prepare']!.fingerprint))).toBe(
      false,
    );
    expect(existsSync(localRunPath(cacheDir, project.lock.stages['train']!.fingerprint))).toBe(
      true,
    );
  });

  it('fetchRun brings one run record with its objects, and says when the remote has none', async () => {
    const project = await makeProject();
    const remote = newRemote();
    await runPush({root: project.root, lock: project.lock, remote, jobs: 2});
    const clone = await cloneOf(project);
    const train = project.lock.stages['train']!;
    expect(await fetchRun({root: clone, remote, fingerprint: train.fingerprint, jobs: 2})).toEqual({
      ok: true,
      value: true,
    });
    const cacheDir = join(clone, '.runner', 'cache');
    for (const id of [...project.dirFileIds, ...train.outs.map((o) => o.md5)]) {
      expect(existsSync(localObjectPath(cacheDir, id))).toBe(true);
    }
    expect(
      existsSync(localObjectPath(cacheDir, project.lock.stages['prepare']!.outs[0]!.md5)),
    ).toBe(false);
    expect(
      await fetchRun({root: clone, remote, fingerprint: fingerprintOf('never ran'), jobs: 2}),
    ).toEqual({
      ok: true,
      value: false,
    });
  });

  it('status --cloud tells local-only, remote-only, both and missing apart', async () => {
    const project = await makeProject();
    const remote = newRemote();
    const before = await runStatusCloud({root: project.root, lock: project.lock, remote, jobs: 2});
    expect(before.ok && before.value.map((e) => e.state)).toEqual([
      'local-only',
      'local-only',
      'local-only',
      'local-only',
    ]);
    await runPush({root: project.root, lock: project.lock, stages: ['train'], remote, jobs: 2});
    const clone = await cloneOf(project);
    await runFetch({root: clone, lock: project.lock, stages: ['prepare'], remote, jobs: 2});
    const status = await runStatusCloud({root: clone, lock: project.lock, remote, jobs: 2});
    expect(status.ok && status.value.map((e) => [e.stage, e.path, e.state])).toEqual([
      ['prepare', 'data/a.bin', 'missing'],
      ['prepare', 'data/b.txt', 'missing'],
      ['train', 'data/processed', 'remote-only'],
      ['train', 'models/model.json', 'remote-only'],
    ]);
    const mine = await runStatusCloud({root: project.root, lock: project.lock, remote, jobs: 2});
    expect(mine.ok && mine.value.map((e) => e.state)).toEqual([
      'local-only',
      'local-only',
      'both',
      'both',
    ]);
  });

  it('gc removes exactly the unreferenced objects, locally and in the cloud, and the dry run lists the same', async () => {
    const project = await makeProject();
    const remote = newRemote();
    const cacheDir = project.cacheDir;
    // An older result: its run record and objects are referenced by no lock.
    const old = await makeProject({seed: 'old'});
    const oldFingerprint = old.lock.stages['prepare']!.fingerprint;
    const oldIds = old.lock.stages['prepare']!.outs.map((o) => o.md5).sort();
    for (const id of oldIds) await copyObject(old.cacheDir, cacheDir, id);
    await copyFile(
      localRunPath(old.cacheDir, oldFingerprint),
      localRunPath(cacheDir, oldFingerprint),
    );
    // Stray objects nothing names.
    const strays: string[] = [];
    for (const seed of ['stray-1', 'stray-2']) {
      const other = await makeProject({seed, dirFiles: 1});
      const id = other.lock.stages['prepare']!.outs[1]!.md5;
      await copyObject(other.cacheDir, cacheDir, id);
      strays.push(id);
    }
    strays.sort();
    const pushed = await runPush({
      root: project.root,
      lock: project.lock,
      remote,
      jobs: 2,
      runCache: true,
    });
    expect(pushed).toMatchObject({ok: true, value: {runRecords: 3}});
    for (const id of strays) await remote.upload(localObjectPath(cacheDir, id), objectKey(id));

    for (const cloud of [undefined, remote]) {
      const where = cloud ? {cloud} : {};
      const dry = await runGc({
        root: project.root,
        lock: project.lock,
        jobs: 2,
        dryRun: true,
        ...where,
      });
      expect(dry).toMatchObject({
        ok: true,
        value: {removedObjects: strays, removedRuns: [], dryRun: true},
      });
      const gc = await runGc({root: project.root, lock: project.lock, jobs: 2, ...where});
      expect(gc).toMatchObject({ok: true, value: {removedObjects: strays, removedRuns: []}});
      const dryRuns = await runGc({
        root: project.root,
        lock: project.lock,
        jobs: 2,
        runCache: true,
        dryRun: true,
        ...where,
      });
      const expected = [...oldIds].sort();
      expect(dryRuns).toMatchObject({
        ok: true,
        value: {removedObjects: expected, removedRuns: [oldFingerprint]},
      });
      const gcRuns = await runGc({
        root: project.root,
        lock: project.lock,
        jobs: 2,
        runCache: true,
        ...where,
      });
      expect(gcRuns).toMatchObject({
        ok: true,
        value: {removedObjects: expected, removedRuns: [oldFingerprint]},
      });
    }
    expect(await remoteIds(remote)).toEqual(allIds(project));
    const local = (await filesUnder(join(cacheDir, 'files'))).map((f) =>
      f.slice('md5/'.length).replace('/', ''),
    );
    expect(local.sort()).toEqual(allIds(project));
    expect(existsSync(localRunPath(cacheDir, oldFingerprint))).toBe(false);
    expect(await remote.stat(runKey(oldFingerprint))).toBeUndefined();
    expect(await remote.stat(runKey(project.lock.stages['train']!.fingerprint))).toBeDefined();
  });
}

import {createHash, randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {ObjectCache} from '../../runner/src/cache/object-cache.js';
import {RunCache} from '../../runner/src/cache/run-cache.js';
import {hashPath} from '../../runner/src/hashing/hash-path.js';
import {StatCache} from '../../runner/src/hashing/stat-cache.js';
import {
  writeLock,
  type LockFile,
  type LockPath,
  type LockStage,
} from '../../runner/src/lock/lock-file.js';
import {testTmp} from '../support/temp-dirs.js';

/** A project whose outs are in its local cache, with a lock and a run record per stage. */
export interface FixtureProject {
  readonly root: string;
  readonly cacheDir: string;
  readonly lock: LockFile;
  /** Every cache object the lock names: file md5s and `<md5>.dir` manifests. */
  readonly objectIds: readonly string[];
  /** Ids of the file objects inside the directory out. */
  readonly dirFileIds: readonly string[];
}

export function fingerprintOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Deterministic pseudo-random bytes, so two projects built with one seed share objects. */
export function bytesFor(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

async function put(root: string, rel: string, content: Buffer | string): Promise<void> {
  await mkdir(dirname(join(root, rel)), {recursive: true});
  await writeFile(join(root, rel), content);
}

/**
 * Two stages: `prepare` (two files) and `train` (a file and a folder of `dirFiles` files), each
 * with `fileSize`-byte files; `seed` makes the contents differ between projects.
 */
export async function makeProject(
  options: {seed?: string; fileSize?: number; dirFiles?: number} = {},
): Promise<FixtureProject> {
  const seed = options.seed ?? randomBytes(4).toString('hex');
  const size = options.fileSize ?? 64 * 1024;
  const root = await mkdtemp(join(testTmp(), 'remote-project-'));
  const cacheDir = join(root, '.runner', 'cache');
  const objects = new ObjectCache(cacheDir);
  const runs = new RunCache(cacheDir);
  const statCache = StatCache.inMemory();
  await put(root, 'data/a.bin', bytesFor(`${seed}/a`, size));
  await put(root, 'data/b.txt', `b ${seed}\n`);
  await put(root, 'models/model.json', JSON.stringify({seed}));
  for (let i = 0; i < (options.dirFiles ?? 3); i++) {
    await put(root, `data/processed/part-${i}.bin`, bytesFor(`${seed}/p${i}`, size));
  }
  const outsOf = async (paths: string[]): Promise<LockPath[]> => {
    const outs: LockPath[] = [];
    for (const path of paths) {
      const hashed = (await hashPath(join(root, path), statCache, objects))!;
      await objects.save(join(root, path), hashed, statCache);
      outs.push({
        path,
        md5: hashed.md5,
        size: hashed.size,
        ...(hashed.nfiles !== undefined ? {nfiles: hashed.nfiles} : {}),
      });
    }
    return outs;
  };
  const stage = async (name: string, paths: string[]): Promise<LockStage> => {
    const outs = await outsOf(paths);
    const fingerprint = fingerprintOf(`${seed}/${name}`);
    await runs.put({
      schema: 1,
      fingerprint,
      stage: name,
      outs,
      createdAt: new Date().toISOString(),
    });
    return {kind: {cmd: [`make ${name}`]}, deps: [], outs, fingerprint};
  };
  const lock: LockFile = {
    schema: 1,
    stages: {
      prepare: await stage('prepare', ['data/a.bin', 'data/b.txt']),
      train: await stage('train', ['models/model.json', 'data/processed']),
    },
  };
  await writeLock(join(root, 'pipeline.lock'), lock);
  const objectIds = Object.values(lock.stages).flatMap((s) => s.outs.map((o) => o.md5));
  const dirId = objectIds.find((id) => id.endsWith('.dir'))!;
  const manifest = await objects.readManifest(dirId);
  if (!manifest.ok) throw new Error('fixture manifest missing');
  return {root, cacheDir, lock, objectIds, dirFileIds: manifest.value.map((e) => e.md5)};
}

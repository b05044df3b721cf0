import type {BigIntStats} from 'node:fs';
import {readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import type {ObjectCache} from '../cache/object-cache.js';
import {manifestHash, manifestText, type ManifestEntry} from './dir-manifest.js';
import {md5File, md5SmallFileSync, SMALL_FILE_BYTES} from './md5-file.js';
import type {StatCache} from './stat-cache.js';

/** The hash of a workspace path (a file or a directory). */
export interface HashedPath {
  /** `<hex>` for a file, `<hex>.dir` for a directory. */
  readonly md5: string;
  /** Bytes: the file's size, or the sum of a directory's file sizes. */
  readonly size: number;
  /** Number of files, for a directory. */
  readonly nfiles?: number;
  readonly isDir: boolean;
}

/** Why a path could not be hashed (anything but "missing", which is not an error). */
export type HashPathFailureReason =
  'symlink-loop' | 'dangling-symlink' | 'unsupported-file-type' | 'changed-while-hashing';

/** Thrown for a directory entry that cannot be hashed; nothing is skipped silently. */
export class HashPathError extends Error {
  constructor(
    readonly reason: HashPathFailureReason,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'HashPathError';
  }
}

/** Files hashed at once in a directory: enough to keep libuv's threads busy between digests. */
const HASH_CONCURRENCY = 8;

/**
 * md5 of a file, or of a directory's manifest; undefined when the path does not exist. Files whose
 * stat matches a trusted stat-cache entry are not read. With `cache`, a directory's manifest is
 * stored as its `.dir` object.
 *
 * Metadata calls are synchronous on purpose: on a local disk a stat takes microseconds, far less
 * than a round trip through libuv's thread pool, and a no-op status is mostly stats.
 */
export async function hashPath(
  absPath: string,
  statCache: StatCache,
  cache?: ObjectCache,
): Promise<HashedPath | undefined> {
  const st = statOrUndefined(absPath);
  if (st === undefined) return undefined;
  if (st.isFile()) {
    const {md5, size} = await hashFile(absPath, st, statCache);
    return {md5, size, isDir: false};
  }
  if (!st.isDirectory()) {
    throw new HashPathError(
      'unsupported-file-type',
      absPath,
      `${absPath} is ${describe(st)}, not a file or directory`,
    );
  }
  const entries: ManifestEntry[] = [];
  // Files the stat cache vouches for are settled during the walk, and their stats dropped at
  // once (10,000 live BigIntStats cost more in garbage collection than the stats themselves).
  const misses: {index: number; abs: string; st: BigIntStats}[] = [];
  const sizes: number[] = [];
  walk(absPath, '', st, new Set(), (abs, rel, fileStat) => {
    sizes.push(Number(fileStat.size));
    const known = statCache.get(abs, fileStat);
    if (known === undefined) misses.push({index: entries.length, abs, st: fileStat});
    entries.push({relpath: rel, md5: known ?? ''});
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < misses.length) {
      const miss = misses[next++]!;
      const relpath = entries[miss.index]!.relpath;
      const hashed = await hashFile(miss.abs, miss.st, statCache);
      entries[miss.index] = {relpath, md5: hashed.md5};
      sizes[miss.index] = hashed.size;
    }
  };
  await Promise.all(Array.from({length: Math.min(HASH_CONCURRENCY, misses.length)}, worker));
  const text = manifestText(entries);
  const md5 = manifestHash(text);
  if (cache !== undefined) await cache.putManifest(md5, text);
  const size = sizes.reduce((sum, bytes) => sum + bytes, 0);
  return {md5, size, nfiles: entries.length, isDir: true};
}

/** The file's md5 and size, from the stat cache or by reading it. */
async function hashFile(
  absPath: string,
  st: BigIntStats,
  statCache: StatCache,
): Promise<{md5: string; size: number}> {
  const known = statCache.get(absPath, st);
  if (known !== undefined) return {md5: known, size: Number(st.size)};
  let before = st;
  // A file rewritten while we read it would get a hash of mixed content: read until stable.
  for (let attempt = 0; attempt < 3; attempt++) {
    const {md5} =
      before.size <= BigInt(SMALL_FILE_BYTES) ? md5SmallFileSync(absPath) : await md5File(absPath);
    const after = statSync(absPath, {bigint: true});
    if (sameStat(before, after)) {
      statCache.set(absPath, after, md5);
      return {md5, size: Number(after.size)};
    }
    before = after;
  }
  throw new HashPathError(
    'changed-while-hashing',
    absPath,
    `${absPath} kept changing while it was being hashed; is a process still writing it?`,
  );
}

function walk(
  absDir: string,
  relDir: string,
  dirStat: BigIntStats,
  ancestors: Set<string>,
  onFile: (abs: string, rel: string, st: BigIntStats) => void,
): void {
  const id = `${dirStat.dev}:${dirStat.ino}`;
  if (ancestors.has(id)) {
    throw new HashPathError(
      'symlink-loop',
      absDir,
      `${absDir} is a symlink loop: it leads back to a folder that contains it`,
    );
  }
  ancestors.add(id);
  for (const dirent of readdirSync(absDir, {withFileTypes: true})) {
    const abs = path.join(absDir, dirent.name);
    const rel = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
    let st: BigIntStats;
    if (dirent.isSymbolicLink()) {
      const target = statOrUndefined(abs);
      if (target === undefined) {
        throw new HashPathError(
          'dangling-symlink',
          abs,
          `${abs} is a symlink to a path that does not exist`,
        );
      }
      st = target;
    } else if (dirent.isFile() || dirent.isDirectory()) {
      st = statSync(abs, {bigint: true});
    } else {
      st = statSync(abs, {bigint: true});
      throw new HashPathError(
        'unsupported-file-type',
        abs,
        `${abs} is ${describe(st)}; only files and folders can be hashed`,
      );
    }
    if (st.isDirectory()) walk(abs, rel, st, ancestors, onFile);
    else if (st.isFile()) onFile(abs, rel, st);
    else {
      throw new HashPathError(
        'unsupported-file-type',
        abs,
        `${abs} is ${describe(st)}; only files and folders can be hashed`,
      );
    }
  }
  ancestors.delete(id);
}

function statOrUndefined(absPath: string): BigIntStats | undefined {
  try {
    return statSync(absPath, {bigint: true});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') {
      throw new HashPathError('symlink-loop', absPath, `${absPath} is a symlink loop`);
    }
    throw error;
  }
}

function sameStat(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

function describe(st: BigIntStats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

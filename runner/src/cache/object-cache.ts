import type {BigIntStats} from 'node:fs';
import {chmodSync, lstatSync, mkdirSync, renameSync, rmSync, statSync, utimesSync} from 'node:fs';
import {chmod, mkdir, readFile, rename, rm} from 'node:fs/promises';
import path from 'node:path';
import {
  DIR_SUFFIX,
  MD5_HEX,
  manifestHash,
  parseManifest,
  type ManifestEntry,
} from '../hashing/dir-manifest.js';
import {hashPath, type HashedPath} from '../hashing/hash-path.js';
import {md5File} from '../hashing/md5-file.js';
import {StatCache} from '../hashing/stat-cache.js';
import {err, ok, type Result} from '../util/result.js';
import {writeFileAtomic} from './atomic-write.js';
import {copyAndHash} from './copy-and-hash.js';
import {removeStaleTemps, tempPathFor} from './temp-files.js';

/** Why an object could not be restored. The workspace is untouched in both cases. */
export type RestoreFailure =
  | {reason: 'missing-object'; md5: string}
  /** The object's bytes do not hash to its name; it has been deleted from the cache. */
  | {reason: 'corrupt-object'; md5: string; actual: string};

/** Thrown by save() when a file no longer has the content it was hashed with. */
export class CacheSaveError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `${path} changed after it was hashed (expected md5 ${expected}, read ${actual}); ` +
        'is a process still writing it?',
    );
    this.name = 'CacheSaveError';
  }
}

/** Copies in flight when saving or restoring a directory. */
const COPY_CONCURRENCY = 8;
/**
 * Restored files get an mtime at least this far in the past, so that the stat-cache entry
 * recorded right after is trusted (see RACY_WINDOW_MS): any later write sets mtime to "now",
 * which then differs.
 */
const RESTORED_MTIME_AGE_MS = 3000;

/**
 * Content-addressed store: `<cacheDir>/files/md5/ab/cdef...` (DVC 3 layout) for files and
 * `...cdef.dir` for directory manifests. Objects are read-only and written by temp + rename
 * (temps under `<cacheDir>/tmp`), so a reader sees a whole object or none, whenever a process is
 * killed. Objects are not fsynced (one fsync costs milliseconds, per object): an object damaged by
 * a power cut fails the md5 check on restore, is deleted, and its stage runs again.
 */
export class ObjectCache {
  readonly cacheDir: string;
  /** Where temp files of this cache live (same filesystem as the objects, for rename). */
  readonly tmpDir: string;
  /** Workspace folders already rid of stale temp files by this instance. */
  readonly #cleanedFolders = new Set<string>();

  constructor(cacheDir: string) {
    this.cacheDir = cacheDir;
    this.tmpDir = path.join(cacheDir, 'tmp');
  }

  objectPath(md5: string): string {
    const hex = md5.endsWith(DIR_SUFFIX) ? md5.slice(0, -DIR_SUFFIX.length) : md5;
    if (!MD5_HEX.test(hex)) throw new Error(`Internal error: not an md5: ${JSON.stringify(md5)}`);
    return path.join(this.cacheDir, 'files', 'md5', md5.slice(0, 2), md5.slice(2));
  }

  /** For a directory: its manifest and every file it lists are present. */
  async has(md5: string): Promise<boolean> {
    if (!md5.endsWith(DIR_SUFFIX)) return exists(this.objectPath(md5));
    const manifest = await this.readManifest(md5);
    if (manifest.ok === false) return false;
    return manifest.value.every((entry) => exists(this.objectPath(entry.md5)));
  }

  /**
   * The entries of a `.dir` object, checked against its name. A corrupt manifest is deleted.
   */
  async readManifest(md5: string): Promise<Result<ManifestEntry[], RestoreFailure>> {
    const file = this.objectPath(md5);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return err({reason: 'missing-object', md5});
      throw error;
    }
    const actual = manifestHash(text);
    const entries = actual === md5 ? parseManifest(text) : undefined;
    if (entries === undefined) {
      await rm(file, {force: true});
      return err({reason: 'corrupt-object', md5, actual});
    }
    return ok(entries);
  }

  /** Stores a directory manifest (text as produced by manifestText) unless present. */
  async putManifest(md5: string, text: string): Promise<void> {
    const file = this.objectPath(md5);
    if (exists(file)) return;
    if (manifestHash(text) !== md5)
      throw new Error(`Internal error: manifest does not hash to ${md5}`);
    await mkdir(path.dirname(file), {recursive: true});
    await writeFileAtomic(file, text, {mode: 0o444});
  }

  /**
   * Stores a file, or a directory's files and then its manifest. Idempotent: objects already
   * present are not copied again. Throws CacheSaveError when a file's bytes no longer match.
   */
  async save(absPath: string, hashed: HashedPath, statCache?: StatCache): Promise<void> {
    if (!hashed.isDir) {
      await this.saveFile(absPath, hashed.md5);
      return;
    }
    let manifest = await this.readManifest(hashed.md5);
    if (manifest.ok === false) {
      // Not stored by hashPath: hash again, which also stores the manifest.
      const again = await hashPath(absPath, statCache ?? StatCache.inMemory(), this);
      if (again?.md5 !== hashed.md5) {
        throw new CacheSaveError(absPath, hashed.md5, again?.md5 ?? 'nothing (it is gone)');
      }
      manifest = await this.readManifest(hashed.md5);
      if (manifest.ok === false)
        throw new Error(`Internal error: manifest ${hashed.md5} not stored`);
    }
    const entries = manifest.value;
    await forEachBounded(entries, COPY_CONCURRENCY, (entry) =>
      this.saveFile(path.join(absPath, ...entry.relpath.split('/')), entry.md5),
    );
  }

  /**
   * Moves a file that was downloaded into `tmpDir` into the cache under `md5` after checking its
   * bytes (for remotes). The file is consumed either way.
   */
  async importFile(tempFile: string, md5: string): Promise<Result<void, RestoreFailure>> {
    try {
      if (md5.endsWith(DIR_SUFFIX)) {
        const text = await readFile(tempFile, 'utf8');
        const actual = manifestHash(text);
        if (actual !== md5 || parseManifest(text) === undefined) {
          return err({reason: 'corrupt-object', md5, actual});
        }
      } else {
        const actual = (await md5File(tempFile)).md5;
        if (actual !== md5) return err({reason: 'corrupt-object', md5, actual});
      }
      const file = this.objectPath(md5);
      await chmod(tempFile, 0o444);
      await mkdir(path.dirname(file), {recursive: true});
      await rename(tempFile, file);
      return ok(undefined);
    } finally {
      await rm(tempFile, {force: true});
    }
  }

  /**
   * Materialises an object at `absPath` (reflink where possible, else a copy) through a temp path
   * beside it and a rename, after checking the copied bytes. Never hard-links: an in-place edit
   * of the workspace file must not reach the cache. The restored files are recorded in
   * `statCache`, so the next status does not read them.
   */
  async restore(
    absPath: string,
    hashed: {md5: string; isDir: boolean},
    statCache: StatCache,
  ): Promise<Result<void, RestoreFailure>> {
    return hashed.isDir
      ? this.restoreDir(absPath, hashed.md5, statCache)
      : this.restoreFile(absPath, hashed.md5, statCache);
  }

  private async restoreFile(
    absPath: string,
    md5: string,
    statCache: StatCache,
  ): Promise<Result<void, RestoreFailure>> {
    const object = this.objectPath(md5);
    const objectStat = statOrUndefined(object);
    if (objectStat === undefined) return err({reason: 'missing-object', md5});
    await prepareParent(absPath, this.#cleanedFolders);
    const temp = tempPathFor(absPath);
    try {
      const copied = await this.materialise(object, temp, md5, objectStat);
      if (!copied.ok) return copied;
      await replace(temp, absPath);
    } finally {
      rmSync(temp, {force: true});
    }
    statCache.set(absPath, statSync(absPath, {bigint: true}), md5);
    return ok(undefined);
  }

  private async restoreDir(
    absPath: string,
    md5: string,
    statCache: StatCache,
  ): Promise<Result<void, RestoreFailure>> {
    const manifest = await this.readManifest(md5);
    if (!manifest.ok) return manifest;
    const entries = manifest.value;
    const objectStats = new Map<string, BigIntStats>();
    for (const entry of entries) {
      const st = statOrUndefined(this.objectPath(entry.md5));
      if (st === undefined) return err({reason: 'missing-object', md5: entry.md5});
      objectStats.set(entry.md5, st);
    }
    await prepareParent(absPath, this.#cleanedFolders);
    const temp = tempPathFor(absPath);
    try {
      await mkdir(temp);
      let failure: RestoreFailure | undefined;
      await forEachBounded(entries, COPY_CONCURRENCY, async (entry) => {
        if (failure !== undefined) return;
        const target = path.join(temp, ...entry.relpath.split('/'));
        mkdirSync(path.dirname(target), {recursive: true});
        const object = this.objectPath(entry.md5);
        const copied = await this.materialise(
          object,
          target,
          entry.md5,
          objectStats.get(entry.md5)!,
        );
        if (!copied.ok) failure ??= copied.error;
      });
      if (failure !== undefined) return err(failure);
      await replace(temp, absPath);
    } finally {
      await rm(temp, {recursive: true, force: true});
    }
    for (const entry of entries) {
      const file = path.join(absPath, ...entry.relpath.split('/'));
      statCache.set(file, statSync(file, {bigint: true}), entry.md5);
    }
    return ok(undefined);
  }

  /** Copies an object to `target` and checks it; a corrupt object is removed from the cache. */
  private async materialise(
    object: string,
    target: string,
    md5: string,
    objectStat: BigIntStats,
  ): Promise<Result<void, RestoreFailure>> {
    const actual = await copyAndHash(object, target);
    if (actual !== md5) {
      await rm(object, {force: true});
      return err({reason: 'corrupt-object', md5, actual});
    }
    const mtime = Math.min(Number(objectStat.mtimeMs), Date.now() - RESTORED_MTIME_AGE_MS) / 1000;
    utimesSync(target, mtime, mtime);
    return ok(undefined);
  }

  private async saveFile(absPath: string, md5: string): Promise<void> {
    const file = this.objectPath(md5);
    if (exists(file)) return;
    mkdirSync(this.tmpDir, {recursive: true});
    const temp = tempPathFor(path.join(this.tmpDir, md5));
    try {
      const actual = await copyAndHash(absPath, temp);
      if (actual !== md5) throw new CacheSaveError(absPath, md5, actual);
      chmodSync(temp, 0o444);
      mkdirSync(path.dirname(file), {recursive: true});
      renameSync(temp, file);
    } finally {
      rmSync(temp, {force: true});
    }
  }
}

/**
 * Creates the folder a restore writes into, and removes what a killed restore left there (once
 * per folder and process: a folder of 1,000 restored files must not be listed 1,000 times).
 */
async function prepareParent(absPath: string, cleaned: Set<string>): Promise<void> {
  const parent = path.dirname(absPath);
  if (cleaned.has(parent)) return;
  mkdirSync(parent, {recursive: true});
  await removeStaleTemps(parent);
  cleaned.add(parent);
}

/**
 * Renames `from` over `to`. A folder (or a file replacing a folder) cannot be renamed over, so
 * the old one is first moved aside under a temp name and removed after; a kill in between leaves
 * `to` missing (restorable) and the aside folder for the next run to clean.
 */
async function replace(from: string, to: string): Promise<void> {
  const current = statOrUndefined(to, false);
  const fromIsDir = statSync(from).isDirectory();
  // rename() replaces a file by a file, but not a folder, nor a file by a folder.
  if (current === undefined || (!current.isDirectory() && !fromIsDir)) {
    renameSync(from, to);
    return;
  }
  const aside = tempPathFor(to, 'old');
  renameSync(to, aside);
  renameSync(from, to);
  await rm(aside, {recursive: true, force: true});
}

function statOrUndefined(file: string, follow = true): BigIntStats | undefined {
  try {
    return follow ? statSync(file, {bigint: true}) : lstatSync(file, {bigint: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function exists(file: string): boolean {
  return statOrUndefined(file) !== undefined;
}

/** Runs `task` over `items`, at most `limit` at once; stops starting new ones after a failure. */
async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      try {
        await task(items[next++]!);
      } catch (error) {
        if (!failed) firstError = error;
        failed = true;
      }
    }
  };
  // Wait for every worker, so that no copy is still writing when the caller cleans up.
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  if (failed) throw firstError;
}

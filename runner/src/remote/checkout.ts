import {join, resolve} from 'node:path';
import {ObjectCache} from '../cache/object-cache.js';
import {hashPath} from '../hashing/hash-path.js';
import {StatCache} from '../hashing/stat-cache.js';
import {isDirId} from './cache-keys.js';
import type {OutRef} from './object-set.js';

/** What `pull` did to the workspace after fetching. */
export interface CheckoutSummary {
  /** Outs written from the cache (they were missing, or modified and `force` was set). */
  readonly restored: readonly string[];
  /** Outs already matching the lock. */
  readonly unchanged: number;
  /** Outs that differ from the lock and were left alone (pass `force` to overwrite them). */
  readonly modified: readonly string[];
  readonly failed: readonly {path: string; message: string}[];
}

/**
 * Makes the workspace outs match the lock from the local cache. A modified out is the user's
 * work: it is only replaced with `force`.
 */
export async function checkoutOuts(
  root: string,
  outs: readonly OutRef[],
  options: {force?: boolean} = {},
): Promise<CheckoutSummary> {
  const stateRoot = join(root, '.runner');
  const statCache = await StatCache.load(join(stateRoot, 'state'));
  const objects = new ObjectCache(join(stateRoot, 'cache'));
  const restored: string[] = [];
  const modified: string[] = [];
  const failed: {path: string; message: string}[] = [];
  let unchanged = 0;
  for (const out of outs) {
    const absPath = resolve(root, out.path);
    let current: string | undefined;
    try {
      current = (await hashPath(absPath, statCache))?.md5;
    } catch (error) {
      failed.push({path: out.path, message: (error as Error).message});
      continue;
    }
    if (current === out.md5) {
      unchanged++;
      continue;
    }
    if (current !== undefined && !options.force) {
      modified.push(out.path);
      continue;
    }
    const result = await objects.restore(
      absPath,
      {md5: out.md5, isDir: isDirId(out.md5)},
      statCache,
    );
    if (result.ok) restored.push(out.path);
    else
      failed.push({
        path: out.path,
        message:
          result.error.reason === 'missing-object'
            ? `${out.path}: object ${result.error.md5} is not in the local cache.`
            : `${out.path}: the cached object ${result.error.md5} was corrupt and has been removed; pull again.`,
      });
  }
  await statCache.save();
  return {restored, unchanged, modified, failed};
}

import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {writeFileAtomic} from '../cache/atomic-write.js';
import type {LockFile} from '../lock/lock-file.js';
import {err, ok, type Result} from '../util/result.js';

/**
 * pipeline.lock parsed once per content: YAML parsing of a 1,000-stage lock costs a no-op run
 * more than everything else it does, so the parsed form is kept as JSON in `.runner/state`,
 * keyed by the md5 of the lock's bytes (any edit, merge or checkout misses the cache).
 */
export async function readLockCached(
  lockFile: string,
  stateDir: string,
): Promise<Result<LockFile | undefined, string>> {
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch {
    return ok(undefined);
  }
  const key = md5(text);
  const cacheFile = path.join(stateDir, 'lock.json');
  try {
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as {key?: string; lock?: LockFile};
    if (cached.key === key && cached.lock) return ok(cached.lock);
  } catch {
    // No usable cache: parse below.
  }
  // Imported only here: the YAML parser costs a cached no-op run more than the rest of its work.
  const {parseLock} = await import('../lock/lock-file.js');
  const parsed = parseLock(text, path.basename(lockFile));
  if (!parsed.ok) return err(parsed.error);
  await remember(stateDir, text, parsed.value);
  return ok(parsed.value);
}

/** Records the parsed form of a lock just written, so the next command need not parse it. */
export async function remember(stateDir: string, text: string, lock: LockFile): Promise<void> {
  try {
    await writeFileAtomic(path.join(stateDir, 'lock.json'), JSON.stringify({key: md5(text), lock}));
  } catch {
    // Only a cache: the next command parses the YAML instead.
  }
}

/** Writes pipeline.lock (unchanged bytes are not rewritten) and its parsed form. */
export async function writeLockCached(
  lockFile: string,
  stateDir: string,
  lock: LockFile,
): Promise<void> {
  const {serializeLock} = await import('../lock/lock-file.js');
  const text = serializeLock(lock);
  let current: string | undefined;
  try {
    current = await readFile(lockFile, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) await writeFileAtomic(lockFile, text, {fsync: true});
  await remember(stateDir, text, lock);
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

import path from 'node:path';
import {ObjectCache} from '../cache/object-cache.js';
import {RunCache} from '../cache/run-cache.js';
import {StatCache} from '../hashing/stat-cache.js';
import type {LockFile, LockStage} from '../lock/lock-file.js';
import {readLockCached} from './lock-snapshot-cache.js';
import {err, ok, type Result} from '../util/result.js';

/** The persistent state a run reads and updates: caches, the stat cache and the lock. */
export interface WorkspaceState {
  readonly root: string;
  /** `<root>/.runner` */
  readonly stateRoot: string;
  readonly lockFile: string;
  readonly statCache: StatCache;
  readonly objects: ObjectCache;
  readonly runs: RunCache;
  /** Lock entries by stage, updated as stages finish; written with {@link lockSnapshot}. */
  readonly lock: Map<string, LockStage>;
}

export async function openWorkspaceState(root: string): Promise<Result<WorkspaceState, string>> {
  const stateRoot = path.join(root, '.runner');
  const lockFile = path.join(root, 'pipeline.lock');
  const cacheDir = path.join(stateRoot, 'cache');
  const [statCache, lock] = await Promise.all([
    StatCache.load(path.join(stateRoot, 'state')),
    readLockCached(lockFile, path.join(stateRoot, 'state')),
  ]);
  if (!lock.ok) return err(lock.error);
  return ok({
    root,
    stateRoot,
    lockFile,
    statCache,
    objects: new ObjectCache(cacheDir),
    runs: new RunCache(cacheDir),
    lock: new Map(Object.entries(lock.value?.stages ?? {})),
  });
}

/**
 * The lock to write: entries of stages still in the pipeline only, so a removed stage leaves
 * the lock with it (as DVC does).
 */
export function lockSnapshot(state: WorkspaceState, stageNames: ReadonlySet<string>): LockFile {
  const stages: Record<string, LockStage> = {};
  for (const [name, entry] of state.lock) {
    if (stageNames.has(name)) stages[name] = entry;
  }
  return {schema: 1, stages};
}

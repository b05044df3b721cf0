import type {PipelinePlan} from '../analysis/plan.js';
import type {LockFile, LockStage} from '../lock/lock-file.js';
import {uncachedPaths} from '../remote/object-set.js';

/**
 * The lock as the cache and remotes see it: outs declared `cache: false` (small files kept in
 * git, like reports/deploy.json) are not cache objects, so transfers must not look for them.
 */
export function cachedLock(lock: LockFile, plan: PipelinePlan): LockFile {
  const uncached = new Set(uncachedPaths(plan));
  const stages: Record<string, LockStage> = {};
  for (const [name, entry] of Object.entries(lock.stages)) {
    stages[name] = entry.outs.some((o) => uncached.has(o.path))
      ? {...entry, outs: entry.outs.filter((o) => !uncached.has(o.path))}
      : entry;
  }
  return {schema: 1, stages};
}

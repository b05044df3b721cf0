import type {PipelinePlan} from '../analysis/plan.js';
import type {LockFile, LockStage} from '../lock/lock-file.js';

/**
 * The lock as the cache and remotes see it: outs declared `cache: false` (small files kept in
 * git, like reports/deploy.json) are not cache objects, so transfers must not look for them.
 */
export function cachedLock(lock: LockFile, plan: PipelinePlan): LockFile {
  const stages: Record<string, LockStage> = {};
  for (const [name, entry] of Object.entries(lock.stages)) {
    const stage = plan.stages.get(name);
    const uncached = new Set(stage?.outs.filter((o) => !o.cache).map((o) => o.path) ?? []);
    stages[name] =
      uncached.size === 0
        ? entry
        : {...entry, outs: entry.outs.filter((o) => !uncached.has(o.path))};
  }
  return {schema: 1, stages};
}

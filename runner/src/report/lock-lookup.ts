import {parse} from 'yaml';

/** One hashed path recorded in a pipeline.lock (a stage's dep or out). */
export interface LockedPath {
  readonly path: string;
  /** File md5, or `<md5>.dir` for a directory (its manifest is a cache object too). */
  readonly md5: string;
}

/**
 * Every path with an md5 that a pipeline.lock records, outs winning over deps. Tolerates both a
 * map of stages and a list, so a lock written by an older runner still resolves.
 */
export function lockedPaths(lockText: string): Map<string, LockedPath> {
  const doc: unknown = parse(lockText);
  const byPath = new Map<string, LockedPath>();
  const stages = isRecord(doc) ? doc['stages'] : undefined;
  const entries = Array.isArray(stages) ? stages : isRecord(stages) ? Object.values(stages) : [];
  for (const listName of ['deps', 'outs'] as const) {
    for (const stage of entries) {
      if (!isRecord(stage)) continue;
      const list = stage[listName];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (!isRecord(item)) continue;
        const path = item['path'];
        const md5 = item['md5'];
        if (typeof path === 'string' && typeof md5 === 'string') {
          byPath.set(path, {path, md5});
        }
      }
    }
  }
  return byPath;
}

/** Entries of a directory manifest (`[{relpath, md5}]`, sorted JSON). */
export function parseDirManifest(bytes: Buffer): {relpath: string; md5: string}[] {
  const parsed: unknown = JSON.parse(bytes.toString('utf8'));
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) =>
    isRecord(entry) && typeof entry['relpath'] === 'string' && typeof entry['md5'] === 'string'
      ? [{relpath: entry['relpath'], md5: entry['md5']}]
      : [],
  );
}

/** `.runner/cache/files/md5/ab/cdef...` relative to the project root (DESIGN section 5). */
export function cacheObjectPath(md5: string): string {
  return `.runner/cache/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

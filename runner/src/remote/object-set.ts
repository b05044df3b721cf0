import {readFile} from 'node:fs/promises';
import {err, ok, type Result} from '../util/result.js';
import {isDirId, isObjectId, localObjectPath, type ObjectId} from './cache-keys.js';
import type {LockPathRef, LockRef} from './lock-view.js';

/** One line of a directory manifest (`<md5>.dir`). */
export interface ManifestEntry {
  readonly relpath: string;
  readonly md5: string;
}

/** Parses a manifest; `undefined` when it is not a JSON list of {relpath, md5}. */
export function parseManifest(text: string): ManifestEntry[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const entries: ManifestEntry[] = [];
  for (const item of value as unknown[]) {
    const {relpath, md5} = (item ?? {}) as Record<string, unknown>;
    if (typeof relpath !== 'string' || typeof md5 !== 'string' || !isObjectId(md5))
      return undefined;
    entries.push({relpath, md5});
  }
  return entries;
}

/** The manifest of a directory object from the local cache; `undefined` when absent or unreadable. */
export async function readLocalManifest(
  cacheDir: string,
  dirId: ObjectId,
): Promise<ManifestEntry[] | undefined> {
  try {
    return parseManifest(await readFile(localObjectPath(cacheDir, dirId), 'utf8'));
  } catch {
    return undefined;
  }
}

/** An out of a stage, as transfers and `status --cloud` report it. */
export interface OutRef extends LockPathRef {
  readonly stage: string;
}

/**
 * The outs of the chosen stages (all when `stages` is undefined or empty), sorted by stage then
 * path, leaving out the `uncached` paths (outs declared `cache: false`, kept in git). Unknown stage
 * names are an error that lists the known ones.
 */
export function selectOuts(
  lock: LockRef,
  stages?: readonly string[],
  uncached: ReadonlySet<string> = new Set(),
): Result<OutRef[], string> {
  const known = Object.keys(lock.stages).sort();
  const chosen = stages && stages.length > 0 ? [...stages] : known;
  const unknown = chosen.filter((name) => !(name in lock.stages));
  if (unknown.length > 0) {
    return err(
      `Unknown stage${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (not in pipeline.lock). ` +
        `Known stages: ${known.join(', ') || 'none: run `runner repro` first'}.`,
    );
  }
  const outs: OutRef[] = [];
  for (const stage of chosen.sort()) {
    const sorted = [...(lock.stages[stage]?.outs ?? [])].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
    for (const out of sorted) {
      if (isObjectId(out.md5) && !uncached.has(out.path)) outs.push({...out, stage});
    }
  }
  return ok(outs);
}

/** Every object id a list of outs names directly (files, and manifests of directories). */
export function rootIds(outs: readonly LockPathRef[]): ObjectId[] {
  return [...new Set(outs.map((out) => out.md5).filter(isObjectId))].sort();
}

/** Ids split into file objects and directory manifests (with the files each one lists). */
export interface ExpandedIds {
  readonly files: Set<ObjectId>;
  readonly dirs: Map<ObjectId, ObjectId[]>;
  /** Manifests that could not be read (their files are unknown). */
  readonly unreadable: ObjectId[];
}

/**
 * Splits ids into files and directory manifests, and expands each manifest with `readManifest`.
 * Manifests that cannot be read are returned in `unreadable`.
 */
export async function expandIds(
  ids: Iterable<ObjectId>,
  readManifest: (dirId: ObjectId) => Promise<ManifestEntry[] | undefined>,
): Promise<ExpandedIds> {
  const files = new Set<ObjectId>();
  const dirs = new Map<ObjectId, ObjectId[]>();
  const unreadable: ObjectId[] = [];
  for (const id of ids) {
    if (!isDirId(id)) {
      files.add(id);
      continue;
    }
    if (dirs.has(id)) continue;
    const manifest = await readManifest(id);
    if (!manifest) unreadable.push(id);
    const members = (manifest ?? []).map((entry) => entry.md5);
    dirs.set(id, members);
    for (const member of members) files.add(member);
  }
  return {files, dirs, unreadable};
}

/**
 * Paths of the outs declared `cache: false` in a plan (kept in git, never in the cache), to pass
 * as `uncached` to the remote commands.
 */
export function uncachedPaths(plan: {
  readonly stages: ReadonlyMap<string, {readonly outs: readonly {path: string; cache: boolean}[]}>;
}): string[] {
  return [...plan.stages.values()].flatMap((stage) =>
    stage.outs.filter((out) => !out.cache).map((out) => out.path),
  );
}

import {readFile, readdir, rm, stat} from 'node:fs/promises';
import {join} from 'node:path';
import type {LockFile} from '../lock/lock-file.js';
import {registryObjectIds} from '../registry/registry-objects.js';
import {err, ok, type Result} from '../util/result.js';
import {
  fingerprintFromRunKey,
  isDirId,
  localObjectPath,
  localRunPath,
  objectIdFromKey,
  objectKey,
  runKey,
  type ObjectId,
} from './cache-keys.js';
import {locksOfAllCommits} from './git-locks.js';
import {runRecordFromJson, type LockRef, type RunRecordRef} from './lock-view.js';
import {mapSettled} from './map-limit.js';
import {expandIds, parseManifest, readLocalManifest, rootIds} from './object-set.js';
import {RemoteError, type RemoteStore} from './remote-store.js';
import type {RemoteFailure} from './transfer-commands.js';
import {cacheDirOf} from './transfer-commands.js';

export interface GcOptions {
  readonly root: string;
  /** The workspace lock (always kept). */
  readonly lock: LockFile | LockRef;
  /** Also keep what the pipeline.lock of every git commit names. */
  readonly allCommits?: boolean;
  /** Clean this remote instead of the local cache. */
  readonly cloud?: RemoteStore;
  /** A model registry whose published versions keep their objects. */
  readonly registry?: RemoteStore;
  /** Remove run records that no kept lock names (without it every record and its objects stay). */
  readonly runCache?: boolean;
  /** List what would go, delete nothing. */
  readonly dryRun?: boolean;
  readonly jobs: number;
}

/** What gc removed (or, with `dryRun`, would remove). */
export interface GcSummary {
  /** `local` or the remote's URL. */
  readonly where: string;
  readonly dryRun: boolean;
  readonly removedObjects: readonly ObjectId[];
  readonly removedRuns: readonly string[];
  readonly bytes: number;
  readonly keptObjects: number;
  readonly keptRuns: number;
  /** Problems that made gc keep less than it might have (e.g. manifests it could not read). */
  readonly warnings: readonly string[];
}

/** The objects and run records a store holds. */
interface Inventory {
  readonly objects: Map<ObjectId, number>;
  readonly runs: Set<string>;
}

async function localInventory(cacheDir: string): Promise<Inventory> {
  const objects = new Map<ObjectId, number>();
  const base = join(cacheDir, 'files', 'md5');
  const folders = await readdir(base).catch(() => [] as string[]);
  for (const folder of folders) {
    for (const name of await readdir(join(base, folder)).catch(() => [] as string[])) {
      const id = objectIdFromKey(`files/md5/${folder}/${name}`);
      if (id === undefined) continue;
      objects.set(id, (await stat(join(base, folder, name))).size);
    }
  }
  const names = await readdir(join(cacheDir, 'runs')).catch(() => [] as string[]);
  const runs = new Set(names.flatMap((name) => fingerprintFromRunKey(`runs/${name}`) ?? []));
  return {objects, runs};
}

async function remoteInventory(remote: RemoteStore): Promise<Inventory> {
  const objects = new Map<ObjectId, number>();
  for await (const entry of remote.list('files/md5/')) {
    const id = objectIdFromKey(entry.key);
    if (id !== undefined) objects.set(id, entry.size);
  }
  const runs = new Set<string>();
  for await (const entry of remote.list('runs/')) {
    const fingerprint = fingerprintFromRunKey(entry.key);
    if (fingerprint !== undefined) runs.add(fingerprint);
  }
  return {objects, runs};
}

function lockIds(lock: LockRef): ObjectId[] {
  return Object.values(lock.stages).flatMap((stage) => rootIds([...stage.deps, ...stage.outs]));
}

/**
 * `runner gc`: removes from the local cache (or from `cloud`) every object and run record that
 * nothing keeps. Kept: what the workspace lock names (deps and outs), with `allCommits` what every
 * commit's lock names, what the model registry's versions name, and every run record (with its
 * objects) unless `runCache`, in which case only records of kept locks stay. Records go before
 * objects, so a record never points at a removed object.
 */
export async function runGc(options: GcOptions): Promise<Result<GcSummary, RemoteFailure>> {
  const cacheDir = cacheDirOf(options.root);
  const jobs = Math.max(1, options.jobs);
  const warnings: string[] = [];
  try {
    const locks: LockRef[] = [options.lock];
    if (options.allCommits) {
      let history;
      try {
        history = await locksOfAllCommits(options.root);
      } catch (error) {
        return err({
          reason: 'io',
          message: `--all-commits needs a git repository at ${options.root}: ${(error as Error).message}`,
        });
      }
      locks.push(...history.locks);
      for (const rev of history.unreadable)
        warnings.push(
          `pipeline.lock of commit ${rev} is not valid YAML; its objects are not kept.`,
        );
    }
    const target = options.cloud;
    const inventory = target ? await remoteInventory(target) : await localInventory(cacheDir);
    const keptFingerprints = new Set(
      locks.flatMap((lock) => Object.values(lock.stages).map((s) => s.fingerprint)),
    );
    const removedRuns = options.runCache
      ? [...inventory.runs].filter((fp) => !keptFingerprints.has(fp)).sort()
      : [];
    const keptRuns = [...inventory.runs].filter((fp) => !removedRuns.includes(fp));
    const records = await mapSettled(keptRuns, jobs, async (fingerprint) =>
      target
        ? target.readJson(runKey(fingerprint))
        : JSON.parse(await readFile(localRunPath(cacheDir, fingerprint), 'utf8')),
    );
    const recordRefs: RunRecordRef[] = [];
    records.forEach((result, index) => {
      const record = result.status === 'fulfilled' ? runRecordFromJson(result.value) : undefined;
      if (record) recordRefs.push(record);
      else
        warnings.push(
          `Run record ${keptRuns[index]} is unreadable; it is kept, its objects are not.`,
        );
    });

    const roots = new Set<ObjectId>([
      ...locks.flatMap(lockIds),
      ...recordRefs.flatMap((record) => rootIds(record.outs)),
      ...(options.registry ? await registryObjectIds(options.registry) : []),
    ]);
    const expanded = await expandIds(roots, async (id) => {
      const local = await readLocalManifest(cacheDir, id);
      if (local || !target || !inventory.objects.has(id)) return local;
      const remote = await target.readJson(objectKey(id));
      return remote === undefined ? undefined : parseManifest(JSON.stringify(remote));
    });
    for (const id of expanded.unreadable) {
      if (!inventory.objects.has(id)) continue;
      if (target)
        throw new RemoteError(
          'io',
          `The kept directory manifest ${id} cannot be read, so gc cannot tell which files it needs; ` +
            `nothing was deleted. Push it again or run gc without --cloud.`,
        );
      warnings.push(
        `Manifest ${id} is unreadable locally; its files are not kept locally (the remote has them).`,
      );
    }
    const kept = new Set<ObjectId>([...expanded.files, ...expanded.dirs.keys()]);
    const removedObjects = [...inventory.objects.keys()].filter((id) => !kept.has(id)).sort();
    const bytes = removedObjects.reduce((sum, id) => sum + (inventory.objects.get(id) ?? 0), 0);

    if (!options.dryRun) {
      const settle = (results: PromiseSettledResult<void>[]): void => {
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      };
      settle(
        await mapSettled(removedRuns, jobs, (fp) =>
          target ? target.delete(runKey(fp)) : rm(localRunPath(cacheDir, fp), {force: true}),
        ),
      );
      // Manifests before their files, so a half-finished gc never leaves a manifest without files.
      const ordered = [
        ...removedObjects.filter(isDirId),
        ...removedObjects.filter((id) => !isDirId(id)),
      ];
      settle(
        await mapSettled(ordered, jobs, (id) =>
          target ? target.delete(objectKey(id)) : rm(localObjectPath(cacheDir, id), {force: true}),
        ),
      );
    }
    return ok({
      where: target ? target.url : 'local',
      dryRun: options.dryRun ?? false,
      removedObjects,
      removedRuns,
      bytes,
      keptObjects: inventory.objects.size - removedObjects.length,
      keptRuns: keptRuns.length,
      warnings,
    });
  } catch (error) {
    if (error instanceof RemoteError) return err({reason: error.reason, message: error.message});
    throw error;
  }
}

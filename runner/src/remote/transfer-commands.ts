import {join} from 'node:path';
import type {LockFile} from '../lock/lock-file.js';
import {err, ok, type Result} from '../util/result.js';
import {localObjectPath, objectKey, runKey, type ObjectId} from './cache-keys.js';
import {checkoutOuts, type CheckoutSummary} from './checkout.js';
import type {LockRef} from './lock-view.js';
import {
  expandIds,
  parseManifest,
  readLocalManifest,
  rootIds,
  selectOuts,
  type OutRef,
} from './object-set.js';
export {uncachedPaths} from './object-set.js';
import {presentOnRemote} from './remote-presence.js';
import {RemoteError, type RemoteErrorReason, type RemoteStore} from './remote-store.js';
import {
  fetchObjects,
  pushObjects,
  type OnTransferProgress,
  type TransferSummary,
} from './transfer.js';
import {stat} from 'node:fs/promises';

/** Why a remote command failed; `summary` says what was done anyway when it got that far. */
export type RemoteFailure =
  | {readonly reason: 'unknown-stage'; readonly message: string}
  | {readonly reason: 'incomplete'; readonly message: string; readonly summary: TransferSummary}
  | {readonly reason: RemoteErrorReason; readonly message: string};

/** What every transfer command takes. */
export interface TransferCommandOptions {
  /** Project root (holds `.runner/cache`). */
  readonly root: string;
  readonly lock: LockFile | LockRef;
  /** Stage names whose outs to move; all stages of the lock when absent or empty. */
  readonly stages?: readonly string[];
  readonly remote: RemoteStore;
  readonly jobs: number;
  /**
   * Also move the whole run-cache (every record with its objects). Without it, only the records
   * of the chosen stages' lock fingerprints move, which is what `repro --pull` needs.
   */
  readonly runCache?: boolean;
  readonly onProgress?: OnTransferProgress;
  readonly signal?: AbortSignal;
  /**
   * Paths of outs declared `cache: false` (kept in git, never cached): not transferred. Take them
   * from the plan with {@link uncachedPaths}.
   */
  readonly uncached?: readonly string[];
}

export interface PullOptions extends TransferCommandOptions {
  /** Overwrite workspace outs that differ from the lock. */
  readonly force?: boolean;
}

export interface PullSummary extends TransferSummary {
  readonly checkout: CheckoutSummary;
}

export function cacheDirOf(root: string): string {
  return join(root, '.runner', 'cache');
}

function failureFrom(error: unknown): RemoteFailure {
  if (error instanceof RemoteError) return {reason: error.reason, message: error.message};
  throw error;
}

function incomplete(verb: string, summary: TransferSummary): RemoteFailure {
  const lines = summary.failures.slice(0, 20).map((f) => `  - ${f.message}`);
  const more =
    summary.failures.length > 20 ? [`  ... and ${summary.failures.length - 20} more`] : [];
  return {
    reason: 'incomplete',
    message: [
      `${verb}: ${summary.failures.length} object(s) could not be moved (${summary.transferred} moved):`,
      ...lines,
      ...more,
    ].join('\n'),
    summary,
  };
}

function plan(
  options: TransferCommandOptions,
): Result<{outs: OutRef[]; runs: string[] | 'all'}, RemoteFailure> {
  const outs = selectOuts(options.lock, options.stages, new Set(options.uncached));
  if (!outs.ok) return err({reason: 'unknown-stage', message: outs.error});
  const chosen =
    options.stages && options.stages.length > 0 ? options.stages : Object.keys(options.lock.stages);
  const fingerprints = chosen.flatMap((stage) => options.lock.stages[stage]?.fingerprint || []);
  return ok({outs: outs.value, runs: options.runCache ? 'all' : fingerprints});
}

async function transfer(
  direction: 'push' | 'fetch',
  options: TransferCommandOptions,
): Promise<Result<TransferSummary, RemoteFailure>> {
  const chosen = plan(options);
  if (!chosen.ok) return chosen;
  const request = {
    cacheDir: cacheDirOf(options.root),
    remote: options.remote,
    ids: rootIds(chosen.value.outs),
    runs: chosen.value.runs,
    jobs: Math.max(1, options.jobs),
    uncached: new Set(options.uncached),
    ...(options.onProgress ? {onProgress: options.onProgress} : {}),
    ...(options.signal ? {signal: options.signal} : {}),
  };
  try {
    const summary = await (direction === 'push' ? pushObjects(request) : fetchObjects(request));
    return summary.failures.length > 0 ? err(incomplete(direction, summary)) : ok(summary);
  } catch (error) {
    return err(failureFrom(error));
  }
}

/** `runner push`: sends the outs of the chosen stages (and their run records) the remote lacks. */
export function runPush(
  options: TransferCommandOptions,
): Promise<Result<TransferSummary, RemoteFailure>> {
  return transfer('push', options);
}

/** `runner fetch`: brings the outs of the chosen stages into the local cache, not the workspace. */
export function runFetch(
  options: TransferCommandOptions,
): Promise<Result<TransferSummary, RemoteFailure>> {
  return transfer('fetch', options);
}

/** `runner pull`: fetch, then restore the outs in the workspace (modified ones only with force). */
export async function runPull(options: PullOptions): Promise<Result<PullSummary, RemoteFailure>> {
  const fetched = await transfer('fetch', options);
  if (!fetched.ok) return fetched;
  const outs = selectOuts(options.lock, options.stages, new Set(options.uncached));
  if (!outs.ok) return err({reason: 'unknown-stage', message: outs.error});
  const checkout = await checkoutOuts(options.root, outs.value, options.force ? {force: true} : {});
  return ok({...fetched.value, checkout});
}

/**
 * For `repro --pull`: brings the run record of `fingerprint` and every object it names into the
 * local cache. `ok(false)` when the remote has no such record (the stage must run).
 */
export async function fetchRun(options: {
  root: string;
  remote: RemoteStore;
  fingerprint: string;
  jobs: number;
  signal?: AbortSignal;
  /** Out paths declared `cache: false` (see {@link TransferCommandOptions.uncached}). */
  uncached?: readonly string[];
}): Promise<Result<boolean, RemoteFailure>> {
  try {
    const summary = await fetchObjects({
      cacheDir: cacheDirOf(options.root),
      remote: options.remote,
      ids: [],
      runs: [options.fingerprint],
      jobs: Math.max(1, options.jobs),
      uncached: new Set(options.uncached),
      ...(options.signal ? {signal: options.signal} : {}),
    });
    if (summary.failures.length > 0) return err(incomplete('fetch', summary));
    try {
      await stat(join(cacheDirOf(options.root), ...runKey(options.fingerprint).split('/')));
      return ok(true);
    } catch {
      return ok(false);
    }
  } catch (error) {
    return err(failureFrom(error));
  }
}

/** One out in `status --cloud`. */
export interface CloudStatusEntry {
  readonly stage: string;
  readonly path: string;
  readonly md5: string;
  /** The object (for a directory: its manifest and every file) is in the local cache. */
  readonly local: boolean;
  readonly remote: boolean;
  /** `both`, `local-only` (push it), `remote-only` (pull it) or `missing` (nowhere). */
  readonly state: 'both' | 'local-only' | 'remote-only' | 'missing';
}

/** `runner status --cloud`: per out of the chosen stages, where its objects are. */
export async function runStatusCloud(
  options: Omit<TransferCommandOptions, 'runCache' | 'onProgress'>,
): Promise<Result<CloudStatusEntry[], RemoteFailure>> {
  const outs = selectOuts(options.lock, options.stages, new Set(options.uncached));
  if (!outs.ok) return err({reason: 'unknown-stage', message: outs.error});
  const cacheDir = cacheDirOf(options.root);
  try {
    const roots = rootIds(outs.value);
    // A manifest missing locally is read from the remote, so a remote-only folder is complete.
    const expanded = await expandIds(roots, async (id) => {
      const local = await readLocalManifest(cacheDir, id);
      if (local) return local;
      const remote = await options.remote.readJson(objectKey(id));
      return remote === undefined ? undefined : parseManifest(JSON.stringify(remote));
    });
    const all = [...expanded.files, ...expanded.dirs.keys()];
    const localHas = new Set<ObjectId>();
    await Promise.all(
      all.map(async (id) => {
        try {
          await stat(localObjectPath(cacheDir, id));
          localHas.add(id);
        } catch {
          // absent locally
        }
      }),
    );
    const remoteHas = await presentOnRemote(options.remote, all, Math.max(1, options.jobs));
    const whole = (id: ObjectId, has: (id: ObjectId) => boolean): boolean =>
      has(id) && (expanded.dirs.get(id) ?? []).every(has) && !expanded.unreadable.includes(id);
    return ok(
      outs.value.map((out) => {
        const local = whole(out.md5, (id) => localHas.has(id));
        const remote = whole(out.md5, (id) => remoteHas.has(id));
        const state =
          local && remote ? 'both' : local ? 'local-only' : remote ? 'remote-only' : 'missing';
        return {stage: out.stage, path: out.path, md5: out.md5, local, remote, state};
      }),
    );
  } catch (error) {
    return err(failureFrom(error));
  }
}

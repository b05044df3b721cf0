import {mkdir, readFile, readdir, rename, rm, stat, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {partialPathFor} from './atomic-file.js';
import {
  contentMd5,
  fingerprintFromRunKey,
  isDirId,
  localObjectPath,
  localRunPath,
  objectKey,
  runKey,
  type ObjectId,
} from './cache-keys.js';
import {runRecordFromJson, type RunRecordRef} from './lock-view.js';
import {mapSettled} from './map-limit.js';
import {expandIds, readLocalManifest, rootIds, type ExpandedIds} from './object-set.js';
import {presentOnRemote} from './remote-presence.js';
import {RemoteError, type RemoteErrorReason, type RemoteStore} from './remote-store.js';

/** Bytes and objects moved so far; `bytesTotal` is known before the first byte moves. */
export interface TransferProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly objectsDone: number;
  readonly objectsTotal: number;
}

export type OnTransferProgress = (progress: TransferProgress) => void;

/** Why one object did not move. */
export interface ObjectFailure {
  /** An object id (`<md5>` or `<md5>.dir`) or a run record key (`runs/<fingerprint>.json`). */
  readonly id: string;
  readonly reason: RemoteErrorReason | 'missing-locally' | 'missing-on-remote';
  readonly message: string;
}

/** What a push or fetch did. A transfer is complete when `failures` is empty. */
export interface TransferSummary {
  /** Objects (files and manifests) sent or received. */
  readonly transferred: number;
  readonly bytes: number;
  /** Objects the destination already had (not sent). */
  readonly alreadyPresent: number;
  /** Run-cache records sent or received. */
  readonly runRecords: number;
  readonly failures: readonly ObjectFailure[];
}

export interface TransferRequest {
  /** `<root>/.runner/cache`. */
  readonly cacheDir: string;
  readonly remote: RemoteStore;
  /** Objects named by lock entries; directory manifests are expanded to their files. */
  readonly ids: Iterable<ObjectId>;
  /** Run-cache records to move too (with the objects they name): fingerprints, or 'all'. */
  readonly runs?: Iterable<string> | 'all';
  /** Parallel transfers. */
  readonly jobs: number;
  readonly onProgress?: OnTransferProgress;
  readonly signal?: AbortSignal;
  /** Out paths declared `cache: false`: run records name them, but they are not objects to move. */
  readonly uncached?: ReadonlySet<string>;
}

const READ_ONLY = 0o444;

function cachedOuts<T extends {path: string}>(
  outs: readonly T[],
  uncached?: ReadonlySet<string>,
): T[] {
  return uncached ? outs.filter((out) => !uncached.has(out.path)) : [...outs];
}

function failureOf(id: string, error: unknown): ObjectFailure {
  if (error instanceof RemoteError) return {id, reason: error.reason, message: error.message};
  const message = error instanceof Error ? error.message : String(error);
  return {id, reason: 'io', message: `${id}: ${message}`};
}

/** Sizes of the ids present in the local cache. */
async function localSizes(
  cacheDir: string,
  ids: Iterable<ObjectId>,
  jobs: number,
): Promise<Map<ObjectId, number>> {
  const list = [...ids];
  const results = await mapSettled(list, Math.max(jobs, 16), async (id) => {
    const info = await stat(localObjectPath(cacheDir, id));
    return info.size;
  });
  const sizes = new Map<ObjectId, number>();
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') sizes.set(list[index] as ObjectId, result.value);
  });
  return sizes;
}

class ProgressMeter {
  private bytesDone = 0;
  private objectsDone = 0;
  constructor(
    private readonly bytesTotal: number,
    private readonly objectsTotal: number,
    private readonly onProgress: OnTransferProgress | undefined,
  ) {}
  bytes = (n: number): void => {
    this.bytesDone += n;
    this.emit();
  };
  object(): void {
    this.objectsDone++;
    this.emit();
  }
  private emit(): void {
    this.onProgress?.({
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      objectsDone: this.objectsDone,
      objectsTotal: this.objectsTotal,
    });
  }
}

/** True when every object the ids need (manifests expanded) is in `ok`. */
function complete(ids: readonly ObjectId[], expanded: ExpandedIds, ok: Set<ObjectId>): boolean {
  return ids.every(
    (id) => ok.has(id) && (!isDirId(id) || (expanded.dirs.get(id) ?? []).every((m) => ok.has(m))),
  );
}

async function readLocalRuns(
  cacheDir: string,
  runs: Iterable<string> | 'all' | undefined,
): Promise<RunRecordRef[]> {
  if (runs === undefined) return [];
  let fingerprints: string[];
  if (runs === 'all') {
    const names = await readdir(join(cacheDir, 'runs')).catch(() => [] as string[]);
    fingerprints = names.flatMap((name) => fingerprintFromRunKey(`runs/${name}`) ?? []);
  } else fingerprints = [...runs];
  const records: RunRecordRef[] = [];
  for (const fingerprint of [...new Set(fingerprints)].sort()) {
    try {
      const record = runRecordFromJson(
        JSON.parse(await readFile(localRunPath(cacheDir, fingerprint), 'utf8')),
      );
      if (record) records.push(record);
    } catch {
      // A record that is not local (or unreadable) is simply not pushed.
    }
  }
  return records;
}

/**
 * Sends to the remote the objects it lacks among `ids` (and the chosen run records with theirs).
 * Files go first, then manifests, then run records, so anything the remote holds points only at
 * objects it already has. Throws {@link RemoteError} only when the remote cannot even be listed.
 */
export async function pushObjects(request: TransferRequest): Promise<TransferSummary> {
  const {cacheDir, remote, jobs, signal} = request;
  const records = await readLocalRuns(cacheDir, request.runs);
  const roots = new Set([
    ...request.ids,
    ...records.flatMap((r) => rootIds(cachedOuts(r.outs, request.uncached))),
  ]);
  const expanded = await expandIds(roots, (id) => readLocalManifest(cacheDir, id));
  const failures: ObjectFailure[] = expanded.unreadable.map((id) => ({
    id,
    reason: 'missing-locally',
    message: `The manifest ${id} is not in the local cache, so its files cannot be pushed.`,
  }));
  const wanted = [...expanded.files, ...expanded.dirs.keys()].filter(
    (id) => !expanded.unreadable.includes(id),
  );
  const local = await localSizes(cacheDir, wanted, jobs);
  for (const id of wanted) {
    if (!local.has(id))
      failures.push({
        id,
        reason: 'missing-locally',
        message: `Object ${id} is not in the local cache; run the stage that makes it, then push.`,
      });
  }
  const onRemote = await presentOnRemote(remote, local.keys(), jobs);
  const toSend = [...local.keys()].filter((id) => !onRemote.has(id)).sort();
  const meter = new ProgressMeter(
    toSend.reduce((sum, id) => sum + (local.get(id) ?? 0), 0),
    toSend.length,
    request.onProgress,
  );
  const ok = new Set(onRemote.keys());
  let bytes = 0;
  const send = async (ids: ObjectId[]): Promise<void> => {
    const results = await mapSettled(ids, jobs, async (id) => {
      await remote.upload(localObjectPath(cacheDir, id), objectKey(id), {
        onBytes: meter.bytes,
        ...(signal ? {signal} : {}),
      });
      meter.object();
    });
    results.forEach((result, index) => {
      const id = ids[index] as ObjectId;
      if (result.status === 'fulfilled') {
        ok.add(id);
        bytes += local.get(id) ?? 0;
      } else failures.push(failureOf(id, result.reason));
    });
  };
  await send(toSend.filter((id) => !isDirId(id)));
  // A manifest goes up only once all its files are there.
  await send(
    toSend.filter((id) => isDirId(id) && (expanded.dirs.get(id) ?? []).every((m) => ok.has(m))),
  );

  const ready = records.filter((record) =>
    complete(rootIds(cachedOuts(record.outs, request.uncached)), expanded, ok),
  );
  const recordResults = await mapSettled(ready, jobs, async (record) => {
    if (await remote.stat(runKey(record.fingerprint))) return false;
    await remote.upload(localRunPath(cacheDir, record.fingerprint), runKey(record.fingerprint));
    return true;
  });
  let runRecords = 0;
  recordResults.forEach((result, index) => {
    if (result.status === 'fulfilled') runRecords += result.value ? 1 : 0;
    else
      failures.push(failureOf(runKey((ready[index] as RunRecordRef).fingerprint), result.reason));
  });
  return {
    transferred: ok.size - onRemote.size,
    bytes,
    alreadyPresent: onRemote.size,
    runRecords,
    failures,
  };
}

async function remoteRuns(
  remote: RemoteStore,
  cacheDir: string,
  runs: Iterable<string> | 'all' | undefined,
  jobs: number,
  failures: ObjectFailure[],
): Promise<{record: RunRecordRef; raw: unknown}[]> {
  if (runs === undefined) return [];
  let fingerprints: string[] = [];
  if (runs === 'all') {
    for await (const entry of remote.list('runs/')) {
      const fingerprint = fingerprintFromRunKey(entry.key);
      if (fingerprint !== undefined) fingerprints.push(fingerprint);
    }
  } else fingerprints = [...new Set(runs)];
  const missing = (
    await mapSettled(fingerprints, 16, async (fingerprint) => {
      await stat(localRunPath(cacheDir, fingerprint));
      return fingerprint;
    })
  ).flatMap((result, index) => (result.status === 'rejected' ? [fingerprints[index] ?? ''] : []));
  const results = await mapSettled(missing, jobs, (fingerprint) =>
    remote.readJson(runKey(fingerprint)),
  );
  const records: {record: RunRecordRef; raw: unknown}[] = [];
  results.forEach((result, index) => {
    const key = runKey(missing[index] ?? '');
    if (result.status === 'rejected') failures.push(failureOf(key, result.reason));
    else if (result.value === undefined) {
      // Asked for by fingerprint and absent: not an error, the stage simply never ran elsewhere.
    } else {
      const record = runRecordFromJson(result.value);
      if (record) records.push({record, raw: result.value});
      else
        failures.push({id: key, reason: 'bad-json', message: `${key} is not a valid run record.`});
    }
  });
  return records;
}

async function writeRunRecord(cacheDir: string, record: RunRecordRef, raw: unknown): Promise<void> {
  const target = localRunPath(cacheDir, record.fingerprint);
  await mkdir(dirname(target), {recursive: true});
  const partial = partialPathFor(target);
  try {
    await writeFile(partial, `${JSON.stringify(raw, null, 2)}\n`);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, {force: true});
    throw error;
  }
}

/**
 * Brings into the local cache the objects it lacks among `ids` (and the chosen run records with
 * theirs), each verified against its md5. A run record is written locally only when all its
 * objects arrived. When nothing is missing locally, the remote is not contacted at all.
 */
export async function fetchObjects(request: TransferRequest): Promise<TransferSummary> {
  const {cacheDir, remote, jobs, signal} = request;
  const failures: ObjectFailure[] = [];
  const records = await remoteRuns(remote, cacheDir, request.runs, jobs, failures);
  const roots = new Set([
    ...request.ids,
    ...records.flatMap((r) => rootIds(cachedOuts(r.record.outs, request.uncached))),
  ]);
  const meter = new ProgressMeter(0, 0, undefined);
  let transferred = 0;
  let bytes = 0;
  const download = async (ids: ObjectId[], sizes: Map<ObjectId, number>, m: ProgressMeter) => {
    const results = await mapSettled(ids, jobs, async (id) => {
      await remote.download(objectKey(id), localObjectPath(cacheDir, id), {
        expectedMd5: contentMd5(id),
        mode: READ_ONLY,
        tempDir: join(cacheDir, 'tmp'),
        onBytes: m.bytes,
        ...(signal ? {signal} : {}),
      });
      m.object();
    });
    results.forEach((result, index) => {
      const id = ids[index] as ObjectId;
      if (result.status === 'fulfilled') {
        transferred++;
        bytes += sizes.get(id) ?? 0;
      } else failures.push(failureOf(id, result.reason));
    });
  };

  // Manifests first: their files are unknown until they are here.
  const dirRoots = [...roots].filter(isDirId);
  const localDirs = await localSizes(cacheDir, dirRoots, jobs);
  const missingDirs = dirRoots.filter((id) => !localDirs.has(id));
  if (missingDirs.length > 0) await download(missingDirs, new Map(), meter);

  const expanded = await expandIds(roots, (id) => readLocalManifest(cacheDir, id));
  const files = [...expanded.files];
  const local = await localSizes(cacheDir, files, jobs);
  const missing = files.filter((id) => !local.has(id)).sort();
  const onRemote =
    missing.length > 0 ? await presentOnRemote(remote, missing, jobs) : new Map<ObjectId, number>();
  for (const id of missing) {
    if (!onRemote.has(id))
      failures.push({
        id,
        reason: 'missing-on-remote',
        message: `Object ${id} is neither in the local cache nor on ${remote.url}; push it from a machine that has it.`,
      });
  }
  const toFetch = missing.filter((id) => onRemote.has(id));
  const fileMeter = new ProgressMeter(
    toFetch.reduce((sum, id) => sum + (onRemote.get(id) ?? 0), 0),
    toFetch.length,
    request.onProgress,
  );
  await download(toFetch, onRemote, fileMeter);

  const have = new Set(
    await localSizes(cacheDir, [...expanded.files, ...expanded.dirs.keys()], jobs).then((m) =>
      m.keys(),
    ),
  );
  let runRecords = 0;
  for (const {record, raw} of records) {
    if (!complete(rootIds(cachedOuts(record.outs, request.uncached)), expanded, have)) continue;
    await writeRunRecord(cacheDir, record, raw);
    runRecords++;
  }
  return {
    transferred,
    bytes,
    alreadyPresent: files.length - missing.length + (dirRoots.length - missingDirs.length),
    runRecords,
    failures,
  };
}

import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {md5File} from '../hashing/md5-file.js';
import {RemoteError, type RemoteErrorReason, type RemoteStore} from '../remote/remote-store.js';
import {err, ok, type Result} from '../util/result.js';
import {checkGates, type GateReport, type Gates} from './gates.js';
import {
  aliasKey,
  BUNDLE_FILES,
  isAliasRecord,
  isRegistryName,
  isVersion,
  isVersionMeta,
  MODELS_PREFIX,
  versionKey,
  type AliasRecord,
  type BundleFile,
  type VersionMeta,
} from './registry-layout.js';

/** Why a registry operation did not happen. */
export type RegistryFailure =
  | {readonly reason: 'bad-name' | 'not-found' | 'nothing-to-roll-back'; readonly message: string}
  | {readonly reason: 'gates-failed'; readonly message: string; readonly gates: GateReport}
  | {readonly reason: RemoteErrorReason; readonly message: string};

function checkName(kind: string, value: string): RegistryFailure | undefined {
  return isRegistryName(value)
    ? undefined
    : {
        reason: 'bad-name',
        message: `${kind} ${JSON.stringify(value)} is not valid: use lower-case letters, digits, dots, dashes and underscores.`,
      };
}

async function guard<T>(
  work: () => Promise<Result<T, RegistryFailure>>,
): Promise<Result<T, RegistryFailure>> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RemoteError) return err({reason: error.reason, message: error.message});
    throw error;
  }
}

/** Local paths of a bundle to publish. */
export type BundlePaths = Readonly<Record<BundleFile, string>>;

export interface PublishResult {
  readonly version: string;
  /** False when this version was already in the registry (publishing is idempotent). */
  readonly published: boolean;
  readonly meta: VersionMeta;
}

/**
 * Publishes a model bundle as `models/<name>/<md5 of model.json>/`. The files go up first and
 * meta.json last, so a version with a meta.json is complete; publishing a version that has one
 * is a no-op. Two machines publishing the same model write the same bytes, so they cannot
 * collide.
 */
export function publishModel(
  remote: RemoteStore,
  options: {name: string; files: BundlePaths; gitCommit?: string; now?: Date},
): Promise<Result<PublishResult, RegistryFailure>> {
  return guard<PublishResult>(async () => {
    const bad = checkName('Model name', options.name);
    if (bad) return err(bad);
    const hashed = await Promise.all(BUNDLE_FILES.map((file) => md5File(options.files[file])));
    const files = Object.fromEntries(
      BUNDLE_FILES.map((file, i) => [file, hashed[i]]),
    ) as VersionMeta['files'];
    const version = files['model.json'].md5;
    const existing = await remote.readJson(versionKey(options.name, version, 'meta.json'));
    if (isVersionMeta(existing)) return ok({version, published: false, meta: existing});
    const model = JSON.parse(await readFile(options.files['model.json'], 'utf8')) as {
      training?: {dataHash?: unknown};
    };
    const dataHash = model.training?.dataHash;
    for (const file of BUNDLE_FILES) {
      await remote.upload(options.files[file], versionKey(options.name, version, file));
    }
    const meta: VersionMeta = {
      schema: 1,
      name: options.name,
      version,
      createdAt: (options.now ?? new Date()).toISOString(),
      ...(options.gitCommit ? {gitCommit: options.gitCommit} : {}),
      ...(typeof dataHash === 'string' ? {dataHash} : {}),
      files,
    };
    await remote.writeJson(versionKey(options.name, version, 'meta.json'), meta);
    return ok({version, published: true, meta});
  });
}

/** A model name with its versions (oldest first) and where each alias points. */
export interface ModelListing {
  readonly name: string;
  readonly versions: readonly VersionMeta[];
  readonly aliases: Readonly<Record<string, string>>;
}

/** `runner models list`: every model of the registry. */
export function listModels(remote: RemoteStore): Promise<Result<ModelListing[], RegistryFailure>> {
  return guard(async () => {
    const byName = new Map<string, {versions: VersionMeta[]; aliases: Record<string, string>}>();
    const entry = (name: string) => {
      let found = byName.get(name);
      if (!found) byName.set(name, (found = {versions: [], aliases: {}}));
      return found;
    };
    for await (const item of remote.list(MODELS_PREFIX)) {
      const parts = item.key.split('/');
      const name = parts[1] ?? '';
      if (parts.length !== 4) continue;
      if (parts[3] === 'meta.json' && isVersion(parts[2] ?? '')) {
        const meta = await remote.readJson(item.key);
        if (isVersionMeta(meta)) entry(name).versions.push(meta);
      } else if (parts[2] === 'aliases' && parts[3]?.endsWith('.json')) {
        const record = await remote.readJson(item.key);
        if (isAliasRecord(record))
          entry(name).aliases[parts[3].slice(0, -'.json'.length)] = record.version;
      }
    }
    return ok(
      [...byName.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, {versions, aliases}]) => ({
          name,
          versions: versions.sort(
            (a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version),
          ),
          aliases,
        })),
    );
  });
}

/** The alias record, or `undefined` when the alias was never set. */
export async function readAlias(
  remote: RemoteStore,
  name: string,
  alias: string,
): Promise<AliasRecord | undefined> {
  const record = await remote.readJson(aliasKey(name, alias));
  return isAliasRecord(record) ? record : undefined;
}

export interface PromoteResult {
  /** False when the alias already pointed at this version. */
  readonly moved: boolean;
  readonly previous: string | undefined;
  readonly version: string;
  readonly gates: GateReport;
  readonly forced: boolean;
}

/**
 * `runner models promote`: points `alias` at `version` when its metrics.json passes `gates`
 * (or with `force`, recording that it was forced). A failing gate is `gates-failed` with the
 * report; the alias is left as it was.
 */
export function promoteModel(
  remote: RemoteStore,
  options: {
    name: string;
    version: string;
    alias: string;
    gates?: Gates;
    force?: boolean;
    now?: Date;
  },
): Promise<Result<PromoteResult, RegistryFailure>> {
  return guard<PromoteResult>(async () => {
    const bad = checkName('Model name', options.name) ?? checkName('Alias', options.alias);
    if (bad) return err(bad);
    const meta = isVersion(options.version)
      ? await remote.readJson(versionKey(options.name, options.version, 'meta.json'))
      : undefined;
    if (!isVersionMeta(meta))
      return err({
        reason: 'not-found',
        message: `Model ${options.name} has no published version ${JSON.stringify(options.version)}; see \`runner models list\`.`,
      });
    const metrics = await remote.readJson(
      versionKey(options.name, options.version, 'metrics.json'),
    );
    const gates = checkGates(metrics, options.gates ?? {});
    const forced = !gates.passed && options.force === true;
    if (!gates.passed && !forced) {
      return err({
        reason: 'gates-failed',
        message:
          `Version ${options.version} of ${options.name} fails the gates for ${options.alias}: ` +
          `${gates.checks
            .filter((c) => !c.passed)
            .map((c) => c.message)
            .join('; ')}. ` +
          `The alias was not moved (use --force to promote anyway).`,
        gates,
      });
    }
    const current = await readAlias(remote, options.name, options.alias);
    if (current?.version === options.version)
      return ok({
        moved: false,
        previous: current.version,
        version: options.version,
        gates,
        forced: false,
      });
    const at = (options.now ?? new Date()).toISOString();
    const record: AliasRecord = {
      schema: 1,
      name: options.name,
      alias: options.alias,
      version: options.version,
      stack: [...(current?.stack ?? []), options.version],
      history: [
        ...(current?.history ?? []),
        {action: 'promote', version: options.version, at, ...(forced ? {forced: true} : {})},
      ],
    };
    await remote.writeJson(aliasKey(options.name, options.alias), record);
    return ok({moved: true, previous: current?.version, version: options.version, gates, forced});
  });
}

/** `runner models rollback`: points `alias` back at the version promoted before the current one. */
export function rollbackModel(
  remote: RemoteStore,
  options: {name: string; alias: string; now?: Date},
): Promise<Result<{from: string; to: string}, RegistryFailure>> {
  return guard(async () => {
    const current = await readAlias(remote, options.name, options.alias);
    if (!current)
      return err({
        reason: 'not-found',
        message: `Model ${options.name} has no alias ${options.alias}.`,
      });
    const stack = current.stack.slice(0, -1);
    const to = stack.at(-1);
    if (to === undefined)
      return err({
        reason: 'nothing-to-roll-back',
        message: `Alias ${options.alias} of ${options.name} has no earlier version to roll back to.`,
      });
    const record: AliasRecord = {
      ...current,
      version: to,
      stack,
      history: [
        ...current.history,
        {action: 'rollback', version: to, at: (options.now ?? new Date()).toISOString()},
      ],
    };
    await remote.writeJson(aliasKey(options.name, options.alias), record);
    return ok({from: current.version, to});
  });
}

/**
 * Downloads a version's bundle into `dir` (each file md5-verified), e.g. for `serve --alias`.
 * Returns the local paths.
 */
export function downloadVersion(
  remote: RemoteStore,
  options: {name: string; version: string; dir: string},
): Promise<Result<BundlePaths, RegistryFailure>> {
  return guard(async () => {
    const meta = await remote.readJson(versionKey(options.name, options.version, 'meta.json'));
    if (!isVersionMeta(meta))
      return err({
        reason: 'not-found',
        message: `Model ${options.name} has no version ${options.version}.`,
      });
    const paths = Object.fromEntries(
      BUNDLE_FILES.map((file) => [file, join(options.dir, file)]),
    ) as Record<BundleFile, string>;
    for (const file of BUNDLE_FILES) {
      await remote.download(versionKey(options.name, options.version, file), paths[file], {
        expectedMd5: meta.files[file].md5,
      });
    }
    return ok(paths);
  });
}

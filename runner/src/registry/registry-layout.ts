/** Keys of the model registry on a remote (contract: DESIGN section 8). */

/** Files of a version bundle, uploaded in this order; meta.json last marks it complete. */
export const BUNDLE_FILES = ['model.json', 'metrics.json', 'recommendations.parquet'] as const;
export type BundleFile = (typeof BUNDLE_FILES)[number];

const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const VERSION = /^[0-9a-f]{32}$/;

export function isRegistryName(value: string): boolean {
  return NAME.test(value) && !value.includes('..');
}

export function isVersion(value: string): boolean {
  return VERSION.test(value);
}

export const MODELS_PREFIX = 'models/';

export function versionKey(name: string, version: string, file: BundleFile | 'meta.json'): string {
  return `models/${name}/${version}/${file}`;
}

export function aliasKey(name: string, alias: string): string {
  return `models/${name}/aliases/${alias}.json`;
}

/** A published version: `models/<name>/<version>/meta.json`. */
export interface VersionMeta {
  readonly schema: 1;
  readonly name: string;
  /** md5 of model.json's bytes: the same model always gets the same version. */
  readonly version: string;
  /** ISO 8601 time of the first publish. */
  readonly createdAt: string;
  /** The commit the model was built from; undefined outside git. */
  readonly gitCommit?: string;
  /** md5 of the training data (model.json's training.dataHash). */
  readonly dataHash?: string;
  /** md5 and size of each bundle file (the md5s are cache object ids, kept by gc). */
  readonly files: Readonly<Record<BundleFile, {readonly md5: string; readonly size: number}>>;
}

/** One change of an alias. */
export interface AliasEvent {
  readonly action: 'promote' | 'rollback';
  readonly version: string;
  readonly at: string;
  /** Promoted with --force despite failing gates. */
  readonly forced?: boolean;
}

/** `models/<name>/aliases/<alias>.json`. */
export interface AliasRecord {
  readonly schema: 1;
  readonly name: string;
  readonly alias: string;
  /** The version the alias points at now. */
  readonly version: string;
  /** Versions promoted and not rolled back, oldest first; the last is `version`. */
  readonly stack: readonly string[];
  /** Every change, oldest first. */
  readonly history: readonly AliasEvent[];
}

export function isVersionMeta(value: unknown): value is VersionMeta {
  const v = value as Partial<VersionMeta> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.schema === 1 &&
    typeof v.name === 'string' &&
    typeof v.version === 'string' &&
    typeof v.createdAt === 'string' &&
    typeof v.files === 'object' &&
    v.files !== null
  );
}

export function isAliasRecord(value: unknown): value is AliasRecord {
  const v = value as Partial<AliasRecord> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.schema === 1 &&
    typeof v.version === 'string' &&
    Array.isArray(v.stack) &&
    Array.isArray(v.history)
  );
}

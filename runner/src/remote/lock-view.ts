import {parse} from 'yaml';

/**
 * The part of pipeline.lock (runner/src/lock/lock-file.ts) that transfers and gc read. Typed
 * structurally, so a `LockFile` is accepted as is and a lock from an old commit can be read even
 * when other fields changed since.
 */
export interface LockPathRef {
  readonly path: string;
  readonly md5: string;
  readonly size: number;
  readonly nfiles?: number;
}

export interface LockStageRef {
  readonly deps: readonly LockPathRef[];
  readonly outs: readonly LockPathRef[];
  readonly fingerprint: string;
}

export interface LockRef {
  readonly stages: Readonly<Record<string, LockStageRef>>;
}

/** A run-cache record (runner/src/cache/run-cache.ts), as far as transfers need it. */
export interface RunRecordRef {
  readonly fingerprint: string;
  readonly stage: string;
  readonly outs: readonly LockPathRef[];
}

function pathRefs(value: unknown): LockPathRef[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const {path, md5, size} = item as Record<string, unknown>;
    return typeof path === 'string' && typeof md5 === 'string'
      ? [{path, md5, size: typeof size === 'number' ? size : 0}]
      : [];
  });
}

/**
 * Reads the hashes out of a pipeline.lock text, leniently: a lock written by an older or newer
 * runner still names its objects, and gc must not lose them because of an unrelated field.
 * Throws only when the text is not YAML.
 */
export function lockRefFromText(text: string): LockRef {
  const doc = parse(text) as unknown;
  const stages: Record<string, LockStageRef> = {};
  const raw = (doc as {stages?: unknown} | null)?.stages;
  if (typeof raw === 'object' && raw !== null) {
    for (const [name, stage] of Object.entries(raw as Record<string, unknown>)) {
      const s = (stage ?? {}) as Record<string, unknown>;
      stages[name] = {
        deps: pathRefs(s['deps']),
        outs: pathRefs(s['outs']),
        fingerprint: typeof s['fingerprint'] === 'string' ? s['fingerprint'] : '',
      };
    }
  }
  return {stages};
}

/** Reads a run record's JSON leniently (see {@link lockRefFromText}); undefined when unusable. */
export function runRecordFromJson(value: unknown): RunRecordRef | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const {fingerprint, stage, outs} = value as Record<string, unknown>;
  if (typeof fingerprint !== 'string' || typeof stage !== 'string') return undefined;
  return {fingerprint, stage, outs: pathRefs(outs)};
}

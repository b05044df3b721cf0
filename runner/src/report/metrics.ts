import {flatten} from './flatten.js';
import {directionOf, type DirectionOverrides, type MetricDirection} from './direction.js';
import type {RevisionFiles} from './revision.js';
import {parseStructured} from './structured-file.js';

/** Flattened metrics of one revision: file -> dotted key -> value. */
export interface MetricsSnapshot {
  readonly label: string;
  readonly files: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  /** Declared metrics files that could not be read, with why (not fatal: shown as missing). */
  readonly missing: readonly {readonly path: string; readonly why: string}[];
}

/** What happened to one metric between two revisions. */
export type MetricChange = 'better' | 'worse' | 'same' | 'changed' | 'added' | 'removed';

/** One line of a metrics diff. `delta` only when both sides are numbers. */
export interface MetricDiffRow {
  readonly file: string;
  readonly key: string;
  readonly base: unknown;
  readonly head: unknown;
  readonly delta: number | undefined;
  readonly direction: MetricDirection;
  readonly change: MetricChange;
}

const METRICS_EXTENSIONS = /\.(json|ya?ml)$/;

/** Reads and flattens the metrics files (or folders of them) declared at `paths`. */
export async function loadMetrics(
  files: RevisionFiles,
  paths: readonly string[],
): Promise<MetricsSnapshot> {
  const loaded = new Map<string, ReadonlyMap<string, unknown>>();
  const missing: {path: string; why: string}[] = [];
  for (const declared of [...new Set(paths)].sort()) {
    const listed = (await files.list(declared)).filter((path) => METRICS_EXTENSIONS.test(path));
    const candidates = listed.length > 0 ? listed : [declared];
    for (const path of candidates) {
      const outcome = await files.read(path);
      if (!outcome.found) {
        missing.push({path, why: outcome.why});
        continue;
      }
      const parsed = parseStructured(path, outcome.bytes, files.label, 'invalid-metrics-file');
      loaded.set(path, flatten(parsed, 'index'));
    }
  }
  return {label: files.label, files: loaded, missing};
}

/**
 * Compares two snapshots key by key. Rows are in file order, then the head's key order with
 * removed keys last, so the output is deterministic. Unchanged rows are dropped unless `all`.
 */
export function diffMetrics(
  base: MetricsSnapshot,
  head: MetricsSnapshot,
  options: {readonly all?: boolean; readonly directions?: DirectionOverrides} = {},
): MetricDiffRow[] {
  const rows: MetricDiffRow[] = [];
  const fileNames = [...new Set([...base.files.keys(), ...head.files.keys()])].sort();
  for (const file of fileNames) {
    const before = base.files.get(file) ?? new Map<string, unknown>();
    const after = head.files.get(file) ?? new Map<string, unknown>();
    const keys = [...after.keys(), ...[...before.keys()].filter((key) => !after.has(key))];
    for (const key of keys) {
      const row = diffOne(
        file,
        key,
        before.get(key),
        after.get(key),
        directionOf(key, options.directions),
      );
      if (options.all || row.change !== 'same') rows.push(row);
    }
  }
  return rows;
}

function diffOne(
  file: string,
  key: string,
  base: unknown,
  head: unknown,
  direction: MetricDirection,
): MetricDiffRow {
  const common = {file, key, base, head, direction};
  if (base === undefined) return {...common, delta: undefined, change: 'added'};
  if (head === undefined) return {...common, delta: undefined, change: 'removed'};
  if (typeof base === 'number' && typeof head === 'number') {
    const delta = head - base;
    if (delta === 0 || Number.isNaN(delta)) {
      return {...common, delta: Number.isNaN(delta) ? undefined : 0, change: 'same'};
    }
    const change: MetricChange =
      direction === 'neutral'
        ? 'changed'
        : delta > 0 === (direction === 'higher')
          ? 'better'
          : 'worse';
    return {...common, delta, change};
  }
  const same = JSON.stringify(base) === JSON.stringify(head);
  return {...common, delta: undefined, change: same ? 'same' : 'changed'};
}

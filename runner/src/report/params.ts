import type {PipelinePlan} from '../analysis/plan.js';
import {flatten} from './flatten.js';
import type {RevisionFiles} from './revision.js';
import {parseStructured} from './structured-file.js';

/** One params key compared between two revisions. */
export interface ParamDiffRow {
  readonly file: string;
  readonly key: string;
  readonly base: unknown;
  readonly head: unknown;
  readonly change: 'added' | 'removed' | 'modified' | 'same';
}

/** Flattened params of one revision: file -> dotted key -> value (arrays kept whole). */
export type ParamsSnapshot = ReadonlyMap<string, ReadonlyMap<string, unknown>>;

/** params.yaml first, then every other params file a stage of the plan tracks, sorted. */
export function paramsFilesOf(plan: PipelinePlan | undefined): string[] {
  const files = new Set<string>();
  for (const stage of plan?.stages.values() ?? []) {
    for (const param of stage.params) files.add(param.file);
  }
  files.delete('params.yaml');
  return ['params.yaml', ...[...files].sort()];
}

/** Reads the params files present at a revision; an absent file is simply empty. */
export async function loadParams(
  files: RevisionFiles,
  paths: readonly string[],
): Promise<ParamsSnapshot> {
  const loaded = new Map<string, ReadonlyMap<string, unknown>>();
  for (const path of paths) {
    const outcome = await files.read(path);
    if (!outcome.found) continue;
    const parsed = parseStructured(path, outcome.bytes, files.label, 'invalid-params-file');
    loaded.set(path, flatten(parsed ?? {}, 'keep'));
  }
  return loaded;
}

/** Params that differ (or all with `all`), in file order then key order, removed keys last. */
export function diffParams(
  base: ParamsSnapshot,
  head: ParamsSnapshot,
  options: {readonly all?: boolean} = {},
): ParamDiffRow[] {
  const rows: ParamDiffRow[] = [];
  const fileNames = [...new Set([...head.keys(), ...base.keys()])];
  for (const file of fileNames) {
    const before = base.get(file) ?? new Map<string, unknown>();
    const after = head.get(file) ?? new Map<string, unknown>();
    const keys = [...after.keys(), ...[...before.keys()].filter((key) => !after.has(key))];
    for (const key of keys) {
      const old = before.get(key);
      const now = after.get(key);
      const change = !before.has(key)
        ? 'added'
        : !after.has(key)
          ? 'removed'
          : JSON.stringify(old) === JSON.stringify(now)
            ? 'same'
            : 'modified';
      if (options.all || change !== 'same') rows.push({file, key, base: old, head: now, change});
    }
  }
  return rows;
}

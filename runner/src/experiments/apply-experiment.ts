import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {parseDocument} from 'yaml';
import {writeFileAtomic} from '../cache/atomic-write.js';
import {hashPath} from '../hashing/hash-path.js';
import {writeLock} from '../lock/lock-file.js';
import type {WorkspaceState} from '../execution/workspace-state.js';
import {err, ok, type Result} from '../util/result.js';
import type {ExperimentRecord} from './experiment-store.js';

export interface ApplySummary {
  readonly paramsChanged: readonly string[];
  readonly restored: readonly string[];
}

/**
 * Brings an experiment into the workspace without running anything: its param values into the
 * params files (comments and layout kept), its outputs restored from the cache, its lock entries
 * into pipeline.lock. Afterwards `runner status` reports those stages fresh.
 */
export async function applyExperiment(
  record: ExperimentRecord,
  state: WorkspaceState,
  /** Outs declared `cache: false`: not cache objects, so neither checked nor restored. */
  uncached: ReadonlySet<string>,
): Promise<Result<ApplySummary, string>> {
  // Check every object first: a half-applied experiment would be worse than none.
  for (const entry of Object.values(record.lock.stages)) {
    for (const out of entry.outs) {
      if (uncached.has(out.path)) continue;
      if (!(await state.objects.has(out.md5))) {
        return err(
          `The cache has no copy of ${out.path} (${out.md5}) for this experiment. Run \`runner exp pull\` (or \`runner pull\`) first.`,
        );
      }
    }
  }
  const paramsChanged: string[] = [];
  for (const [file, values] of Object.entries(record.params)) {
    const abs = path.join(state.root, file);
    const doc = parseDocument(await readFile(abs, 'utf8').catch(() => ''));
    let changed = false;
    for (const [key, value] of Object.entries(values)) {
      const keyPath = key.split('.');
      if (
        isDeepStrictEqual(
          doc.getIn(keyPath) === undefined ? undefined : toJs(doc.getIn(keyPath)),
          value,
        )
      )
        continue;
      doc.setIn(keyPath, value);
      paramsChanged.push(file === 'params.yaml' ? key : `${file}:${key}`);
      changed = true;
    }
    if (changed) await writeFileAtomic(abs, doc.toString());
  }
  const restored: string[] = [];
  for (const entry of Object.values(record.lock.stages)) {
    for (const out of entry.outs) {
      if (uncached.has(out.path)) continue;
      const abs = path.join(state.root, out.path);
      const current = await hashPath(abs, state.statCache);
      if (current?.md5 === out.md5) continue;
      const result = await state.objects.restore(
        abs,
        {md5: out.md5, isDir: out.md5.endsWith('.dir')},
        state.statCache,
      );
      if (!result.ok)
        return err(`Could not restore ${out.path}: the cached copy is ${result.error.reason}.`);
      restored.push(out.path);
    }
  }
  for (const [name, entry] of Object.entries(record.lock.stages)) state.lock.set(name, entry);
  await writeLock(state.lockFile, {
    schema: 1,
    stages: Object.fromEntries([...state.lock].sort(([a], [b]) => a.localeCompare(b))),
  });
  await state.statCache.save();
  return ok({paramsChanged, restored});
}

function toJs(node: unknown): unknown {
  return node !== null &&
    typeof node === 'object' &&
    'toJSON' in node &&
    typeof node.toJSON === 'function'
    ? (node.toJSON as () => unknown)()
    : node;
}

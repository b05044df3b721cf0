import path from 'node:path';
import {locate, type DiagnosticCollector} from '../diagnostics/collector.js';
import {didYouMean} from '../diagnostics/suggest.js';
import {describeNode, toPlain, type LNode} from '../config/located.js';
import type {VarSource} from './interpolate.js';
import {allKeys, lookupKey, type ParamsStore} from './params-store.js';
import {normaliseProjectPath} from './paths.js';

/** Merged `${}` values and the layers they came from. */
export interface VarScope {
  readonly data: Readonly<Record<string, unknown>>;
  readonly sources: readonly VarSource[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge that refuses to redefine a value, as DVC does; returns the conflicting key. */
function mergeInto(
  target: Record<string, unknown>,
  source: Readonly<Record<string, unknown>>,
  prefix: string,
): string | undefined {
  for (const [key, value] of Object.entries(source)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (!Object.hasOwn(target, key)) {
      target[key] = value;
      continue;
    }
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(value)) {
      const copy = {...existing};
      const conflict = mergeInto(copy, value, dotted);
      if (conflict) return conflict;
      target[key] = copy;
      continue;
    }
    return dotted;
  }
  return undefined;
}

/** A scope made of the default params files (their values are tracked when used). */
export function paramsScope(files: readonly string[], store: ParamsStore): VarScope {
  const data: Record<string, unknown> = {};
  const sources: VarSource[] = [];
  for (const file of files) {
    const params = store.get(file);
    if (!params.data) continue;
    // Later default files only add keys; a key in two default files keeps the first value.
    for (const [key, value] of Object.entries(params.data)) {
      if (!Object.hasOwn(data, key)) data[key] = value;
      else if (isPlainObject(data[key]) && isPlainObject(value)) {
        data[key] = {...value, ...(data[key] as Record<string, unknown>)};
      }
    }
    sources.push({file, data: params.data});
  }
  return {data, sources};
}

/**
 * Adds `vars` entries to a scope: params-like files (`file.yaml`, `file.yaml:a,b`), relative to
 * the project root, or inline mappings. Redefining a value is an error, as in DVC.
 */
export function extendScope(
  base: VarScope,
  vars: LNode | undefined,
  store: ParamsStore,
  root: string,
  file: string,
  diagnostics: DiagnosticCollector,
): VarScope {
  if (!vars || vars.kind !== 'seq') return base;
  const data: Record<string, unknown> = {...base.data};
  const sources = [...base.sources];
  for (const item of vars.items) {
    let layer: VarSource | undefined;
    if (item.kind === 'map') {
      layer = {file: undefined, data: toPlain(item) as Record<string, unknown>};
    } else if (item.kind === 'scalar' && typeof item.value === 'string') {
      const [rawFile, keyList] = splitVarsEntry(item.value);
      const normalised = normaliseProjectPath(rawFile, '', root, `Vars file "${rawFile}"`);
      if (!normalised.ok) {
        diagnostics.error(normalised.reason, normalised.message, locate(file, item.span));
        continue;
      }
      if (sources.some((s) => s.file === normalised.path) && keyList === undefined) continue;
      const params = store.get(normalised.path);
      if (!params.exists) {
        diagnostics.error(
          'missing-params-file',
          `Vars file "${normalised.path}" does not exist. Create it, or fix the path (relative to the pipeline file).`,
          locate(file, item.span),
        );
        continue;
      }
      if (!params.data) continue;
      let selected: Record<string, unknown> = params.data;
      if (keyList !== undefined) {
        selected = {};
        for (const key of keyList) {
          const found = lookupKey(params.data, key);
          if (!found.found) {
            diagnostics.error(
              'missing-params-key',
              `Key "${key}" is not in ${normalised.path}.${didYouMean(key, allKeys(params.data))} Fix the key list after ":" or add the key to the file.`,
              locate(file, item.span),
            );
            continue;
          }
          const top = key.split('.')[0]!;
          selected[top] = params.data[top];
        }
      }
      layer = {file: normalised.path, data: selected};
    } else {
      diagnostics.error(
        'wrong-type',
        `A vars entry must be a file name (e.g. "config.yaml") or a mapping of values, found ${describeNode(item)}.`,
        locate(file, item.span),
      );
      continue;
    }
    const conflict = mergeInto(data, layer.data, '');
    if (conflict) {
      diagnostics.error(
        'vars-conflict',
        `"${conflict}" is already defined (by params or an earlier vars entry); vars cannot redefine a value. Rename one of them or remove the duplicate.`,
        locate(file, item.span),
      );
      continue;
    }
    sources.push(layer);
  }
  return {data, sources};
}

function splitVarsEntry(value: string): [string, string[] | undefined] {
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || path.isAbsolute(value.slice(colon + 1))) return [value, undefined];
  const keys = value
    .slice(colon + 1)
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  return [value.slice(0, colon), keys];
}

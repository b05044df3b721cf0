import path from 'node:path';
import {locate, type DiagnosticCollector} from '../diagnostics/collector.js';
import {loadYaml} from '../config/load-yaml.js';
import {describeNode, toPlain} from '../config/located.js';
import type {AnalysisInputs} from './analysis-inputs.js';

/** A params file as the analyzer sees it: its values with `--set` overrides applied. */
export interface ParamsFile {
  /** Root-relative POSIX path. */
  readonly file: string;
  readonly exists: boolean;
  /** Undefined when the file is missing or unreadable (already reported if broken). */
  readonly data: Record<string, unknown> | undefined;
}

/**
 * Loads each params file (params.yaml, vars files, `- other.yaml: [...]`) once per analysis.
 * Files are YAML (JSON is YAML too).
 */
export class ParamsStore {
  readonly #root: string;
  readonly #diagnostics: DiagnosticCollector;
  readonly #inputs: AnalysisInputs;
  readonly #files = new Map<string, ParamsFile>();

  constructor(root: string, diagnostics: DiagnosticCollector, inputs: AnalysisInputs) {
    this.#root = root;
    this.#diagnostics = diagnostics;
    this.#inputs = inputs;
  }

  /** `file` is root-relative POSIX. */
  get(file: string): ParamsFile {
    const cached = this.#files.get(file);
    if (cached) return cached;
    const absolute = path.join(this.#root, file);
    const loaded = loadYaml(absolute, this.#diagnostics, this.#inputs);
    let data: Record<string, unknown> | undefined;
    if (loaded.root) {
      if (loaded.root.kind === 'map') {
        data = toPlain(loaded.root) as Record<string, unknown>;
      } else if (loaded.root.kind === 'scalar' && loaded.root.value === null) {
        data = {};
      } else {
        this.#diagnostics.error(
          'invalid-params-file',
          `${file} must hold a mapping of keys to values at the top, but holds ${describeNode(loaded.root)}.`,
          locate(absolute, loaded.root.span),
        );
      }
    }
    const result: ParamsFile = {file, exists: loaded.exists, data};
    this.#files.set(file, result);
    return result;
  }
}

/** Looks up a dotted key (`train.k`, `a.0`) in params data. */
export function lookupKey(
  data: Readonly<Record<string, unknown>>,
  key: string,
): {found: true; value: unknown} | {found: false; parentKeys: readonly string[]; parent: string} {
  let current: unknown = data;
  const walked: string[] = [];
  for (const part of key.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(part) && Number(part) < current.length) {
      current = current[Number(part)];
    } else if (
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current) &&
      Object.hasOwn(current, part)
    ) {
      current = (current as Record<string, unknown>)[part];
    } else {
      const parentKeys =
        typeof current === 'object' && current !== null && !Array.isArray(current)
          ? Object.keys(current)
          : [];
      return {found: false, parentKeys, parent: walked.join('.')};
    }
    walked.push(part);
  }
  return {found: true, value: current};
}

/** Replaces the value at an existing dotted key, in place. */
export function setKey(data: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let current: unknown = data;
  for (const part of parts.slice(0, -1)) {
    current = Array.isArray(current)
      ? current[Number(part)]
      : (current as Record<string, unknown>)[part];
  }
  const last = parts[parts.length - 1]!;
  if (Array.isArray(current)) current[Number(last)] = value;
  else (current as Record<string, unknown>)[last] = value;
}

/** Every dotted key of params data, for suggestions. */
export function allKeys(data: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const walk = (value: unknown, prefix: string): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const key = prefix ? `${prefix}.${k}` : k;
      out.push(key);
      walk(v, key);
    }
  };
  walk(data, '');
  return out;
}

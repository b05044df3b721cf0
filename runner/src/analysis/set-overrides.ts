import {parse} from 'yaml';
import type {DiagnosticCollector} from '../diagnostics/collector.js';
import {didYouMean} from '../diagnostics/suggest.js';
import {allKeys, lookupKey, setKey, type ParamsStore} from './params-store.js';

/** One parsed `--set [file:]key=value`. */
export interface SetOverride {
  readonly raw: string;
  /** Root-relative params file, or undefined for the default params file(s). */
  readonly file: string | undefined;
  readonly key: string;
  readonly value: unknown;
}

const FILE_PREFIX = /^([^:=]+\.(?:ya?ml|json)):(.*)$/;
const KEY = /^[^.\s=:]+(?:\.[^.\s=:]+)*$/;

/** Parses `--set` items; malformed ones are reported (without a location: they are not in a file). */
export function parseSetOverrides(
  items: readonly string[],
  diagnostics: DiagnosticCollector,
): SetOverride[] {
  const out: SetOverride[] = [];
  for (const raw of items) {
    const eq = raw.indexOf('=');
    if (eq < 0) {
      diagnostics.error(
        'malformed-set',
        `--set ${JSON.stringify(raw)} has no "=". Write --set key=value (e.g. --set train.k=4), or --set other.yaml:key=value for another params file.`,
      );
      continue;
    }
    let key = raw.slice(0, eq).trim();
    let file: string | undefined;
    const prefixed = FILE_PREFIX.exec(key);
    if (prefixed) {
      file = prefixed[1]!.replace(/^\.\//, '');
      key = prefixed[2]!;
    }
    if (!KEY.test(key)) {
      diagnostics.error(
        'malformed-set',
        `--set ${JSON.stringify(raw)}: ${key === '' ? 'the key is empty' : `"${key}" is not a valid dotted key`}. Write --set key=value with a params key like train.k.`,
      );
      continue;
    }
    const text = raw.slice(eq + 1);
    let value: unknown;
    try {
      // YAML scalars, as on the command line of DVC: `4` is a number, `true` a boolean.
      value = text.trim() === '' ? '' : parse(text);
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error))
        .replace(/\s+at line \d+, column \d+:[\s\S]*$/, '')
        .replace(/\.$/, '');
      diagnostics.error(
        'malformed-set',
        `--set ${JSON.stringify(raw)}: the value is not valid YAML (${reason}). Quote it in your shell, e.g. --set '${key}="${text}"'.`,
      );
      continue;
    }
    out.push({raw, file, key, value});
  }
  return out;
}

/** Applies overrides to the loaded params data; unknown keys and files are reported. */
export function applySetOverrides(
  overrides: readonly SetOverride[],
  defaultFiles: readonly string[],
  store: ParamsStore,
  diagnostics: DiagnosticCollector,
): void {
  for (const override of overrides) {
    const candidates = override.file !== undefined ? [override.file] : defaultFiles;
    let applied = false;
    const known: string[] = [];
    for (const file of candidates) {
      const params = store.get(file);
      if (!params.data) continue;
      if (lookupKey(params.data, override.key).found) {
        setKey(params.data, override.key, override.value);
        applied = true;
        break;
      }
      known.push(...allKeys(params.data));
    }
    if (applied) continue;
    const where = candidates.join(', ');
    const existing = candidates.filter((f) => store.get(f).exists);
    if (existing.length === 0) {
      diagnostics.error(
        'unknown-set-key',
        `--set ${JSON.stringify(override.raw)}: ${where} does not exist, so it has no key "${override.key}". Create it, or set a key of an existing params file.`,
      );
      continue;
    }
    diagnostics.error(
      'unknown-set-key',
      `--set ${JSON.stringify(override.raw)}: ${where} has no key "${override.key}".${didYouMean(override.key, known)} --set only changes existing keys; add new ones to the file first.`,
    );
  }
}

import {compareCodeUnits} from '../hashing/dir-manifest.js';

/**
 * A small YAML writer for pipeline.lock: block style, two-space indent, sequences indented under
 * their key. The `yaml` package's stringify took about a second for a 1,000-stage lock on our CI
 * machine, and the executor rewrites the lock while a run goes; this writes the same text in a few
 * milliseconds. Output is always valid YAML 1.2 that YAML 1.1 readers (PyYAML) read the same way.
 */

/** An ordered mapping: the lock's fixed key order is not the JS object order. */
export type YamlEntries = readonly (readonly [string, unknown])[];

/** Marks a value to write as a mapping in exactly this key order. */
export class OrderedMap {
  constructor(readonly entries: YamlEntries) {}
}

export function yamlDocument(root: OrderedMap): string {
  const lines: string[] = [];
  writeMapEntries(root.entries, 0, lines);
  return lines.join('\n') + '\n';
}

function writeMapEntries(entries: YamlEntries, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    const head = `${pad}${scalarString(key)}:`;
    const inline = inlineForm(value);
    if (inline !== undefined) {
      lines.push(`${head} ${inline}`);
    } else if (Array.isArray(value)) {
      lines.push(head);
      writeSeqItems(value, indent + 2, lines);
    } else {
      lines.push(head);
      writeMapEntries(mapEntries(value), indent + 2, lines);
    }
  }
}

function writeSeqItems(items: readonly unknown[], indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of items) {
    const inline = inlineForm(item ?? null);
    if (inline !== undefined) {
      lines.push(`${pad}- ${inline}`);
      continue;
    }
    // A collection inside a sequence item starts on the dash line: `- key: value`.
    const nested: string[] = [];
    if (Array.isArray(item)) writeSeqItems(item, indent + 2, nested);
    else writeMapEntries(mapEntries(item), indent + 2, nested);
    nested[0] = `${pad}- ${nested[0]!.slice(indent + 2)}`;
    lines.push(...nested);
  }
}

/** The one-line form of a scalar or an empty collection; undefined for a non-empty collection. */
function inlineForm(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return scalarString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isNaN(value)) return '.nan';
      if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
      if (value instanceof OrderedMap) return value.entries.length === 0 ? '{}' : undefined;
      if (value instanceof Date) return scalarString(value.toISOString());
      return Object.keys(value).length === 0 ? '{}' : undefined;
    default:
      throw new TypeError(`Internal error: cannot write a ${typeof value} to pipeline.lock`);
  }
}

/** Entries of a mapping value: an OrderedMap as given, a plain object sorted by key. */
function mapEntries(value: unknown): YamlEntries {
  if (value instanceof OrderedMap) return value.entries;
  const record = value as Record<string, unknown>;
  return Object.keys(record)
    .sort(compareCodeUnits)
    .filter((key) => record[key] !== undefined)
    .map((key) => [key, record[key]] as const);
}

/**
 * Words and shapes that some YAML reader (1.2 core schema, or 1.1 as PyYAML) would not read as
 * a string: null, booleans, numbers (with 1.1's underscores, octal, binary, sexagesimal), dates,
 * merge keys.
 */
const NOT_A_STRING = [
  /^(?:~|null|Null|NULL)$/,
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?0(?:[bB][01_]+|[oO]?[0-7_]+|[xX][0-9a-fA-F_]+)$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
  /^(?:<<|=)$/,
];

/** Printable ASCII that cannot start a plain scalar (YAML indicators), or is a space. */
const BAD_FIRST = new Set([...'-?:,[]{}#&*!|>\'"%@` ']);

/** A string as a plain scalar when that reads back as the same string, else quoted. */
export function scalarString(value: string): string {
  if (isPlainSafe(value)) return value;
  // As the yaml package does: single quotes spare a string full of double quotes its escapes.
  if (value.includes('"') && !value.includes("'") && /^[\x20-\x7e]*$/.test(value)) {
    return `'${value}'`;
  }
  return doubleQuoted(value);
}

function isPlainSafe(value: string): boolean {
  if (value === '' || BAD_FIRST.has(value[0]!) || value.endsWith(' ') || value.endsWith(':')) {
    return false;
  }
  // Printable ASCII only; no `: ` (a mapping) or ` #` (a comment) inside.
  if (!/^[\x20-\x7e]*$/.test(value) || value.includes(': ') || value.includes(' #')) return false;
  return !NOT_A_STRING.some((pattern) => pattern.test(value));
}

/**
 * JSON's string syntax is valid YAML 1.2 double-quoted syntax. Characters YAML does not allow raw
 * (DEL, C1 controls) or that YAML 1.1 treats as line breaks are escaped as well.
 */
function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

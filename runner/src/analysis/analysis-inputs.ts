import {createHash} from 'node:crypto';
import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {listPluginFiles} from './plugins/code-hash.js';

/**
 * One fact about the disk that an analysis relied on, with the value it saw. Re-observing every
 * record and getting the same values proves the analysis would come out the same.
 */
export type AnalysisInput =
  /** A file read whole: md5 of its bytes, or null when it could not be read. */
  | {readonly kind: 'file'; readonly path: string; readonly seen: string | null}
  /** Whether a path exists (e.g. a dep that nothing produces). */
  | {readonly kind: 'exists'; readonly path: string; readonly seen: boolean}
  /** What a path is: 'file', 'dir', 'other' or 'missing' (e.g. a local plugin's `uses`). */
  | {readonly kind: 'type'; readonly path: string; readonly seen: string}
  /** A plugin's code hash (see code-hash.ts), and a cheap stamp of its files' sizes and mtimes. */
  | {
      readonly kind: 'code';
      readonly path: string;
      readonly files: readonly string[] | 'all';
      readonly extra: string;
      readonly seen: string;
      /** Null when a file was modified too recently for its mtime to be trusted. */
      readonly stamp: string | null;
    };

/** Files modified this recently might change again within the same mtime tick. */
const RACY_MS = 2000;

/**
 * Everything an analysis read from disk. The analyzer performs its reads and existence checks
 * through this object, so the list of inputs is complete by construction: the plan cache is
 * valid exactly while every recorded input still reads the same.
 */
export class AnalysisInputs {
  readonly #records = new Map<string, AnalysisInput>();

  /** Reads a UTF-8 file, or undefined when it cannot be read. */
  readText(file: string): string | undefined {
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(file);
    } catch {
      bytes = undefined;
    }
    this.#add({kind: 'file', path: file, seen: bytes ? md5(bytes) : null});
    return bytes?.toString('utf8');
  }

  exists(file: string): boolean {
    const seen = existsSync(file);
    this.#add({kind: 'exists', path: file, seen});
    return seen;
  }

  /** 'file', 'dir', 'other' or 'missing'. */
  typeOf(file: string): string {
    const seen = pathType(file);
    this.#add({kind: 'type', path: file, seen});
    return seen;
  }

  /** Records a plugin folder's code hash, computed by `hash` (which may throw). */
  code(
    folder: string,
    files: readonly string[] | 'all',
    extra: string,
    hash: () => string,
  ): string {
    const stamp = codeStamp(folder, files);
    const seen = hash();
    this.#add({kind: 'code', path: folder, files, extra, seen, stamp});
    return seen;
  }

  /** Every input recorded so far, in the order first seen. */
  list(): AnalysisInput[] {
    return [...this.#records.values()];
  }

  #add(record: AnalysisInput): void {
    const id = `${record.kind}\0${record.path}\0${record.kind === 'code' ? `${String(record.files)}\0${record.extra}` : ''}`;
    if (!this.#records.has(id)) this.#records.set(id, record);
  }
}

/**
 * The record, still valid, when the disk shows what `input` recorded; undefined when something
 * changed. A plugin whose stamp moved (or had none) is re-hashed: a touched but unchanged file
 * keeps the cache, and the record comes back with a fresh stamp so the next check is cheap again.
 */
export function recheckInput(
  input: AnalysisInput,
  rehash: (folder: string, files: readonly string[] | 'all', extra: string) => string,
): AnalysisInput | undefined {
  if (input.kind !== 'code') return inputUnchanged(input) ? input : undefined;
  const stamp = codeStamp(input.path, input.files);
  if (input.stamp !== null && stamp === input.stamp) return input;
  try {
    if (rehash(input.path, input.files, input.extra) !== input.seen) return undefined;
  } catch {
    return undefined;
  }
  return {...input, stamp};
}

function inputUnchanged(input: Exclude<AnalysisInput, {kind: 'code'}>): boolean {
  switch (input.kind) {
    case 'file': {
      let seen: string | null;
      try {
        seen = md5(readFileSync(input.path));
      } catch {
        seen = null;
      }
      return seen === input.seen;
    }
    case 'exists':
      return existsSync(input.path) === input.seen;
    case 'type':
      return pathType(input.path) === input.seen;
  }
}

function pathType(file: string): string {
  try {
    const stat = statSync(file);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

/** md5 over the sorted relative paths, sizes and mtimes of a plugin's files; null if racy. */
function codeStamp(folder: string, files: readonly string[] | 'all'): string | null {
  const relative: string[] = [];
  try {
    if (files === 'all') listPluginFiles(folder, '', relative);
    else relative.push(...files);
    relative.sort();
    const now = Date.now();
    const lines: string[] = [];
    for (const file of relative) {
      const stat = statSync(path.join(folder, file));
      if (stat.mtimeMs > now - RACY_MS) return null;
      lines.push(`${file}\0${stat.size}\0${stat.mtimeMs}`);
    }
    return createHash('md5').update(lines.join('\n')).digest('hex');
  } catch {
    return null;
  }
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

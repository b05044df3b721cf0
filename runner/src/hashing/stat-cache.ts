import type {BigIntStats} from 'node:fs';
import {mkdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {writeFileAtomic} from '../cache/atomic-write.js';

/** File name of the stat cache inside `.runner/state`. */
export const STAT_CACHE_FILE = 'stat-cache.json';

/**
 * An entry recorded less than this long after the file's mtime is not trusted (git's "racy
 * clean" rule): on a filesystem with coarse timestamps, a write in the same tick as our read
 * would leave size and mtime unchanged.
 */
export const RACY_WINDOW_MS = 2000;

/** Beyond this many entries, the oldest recorded are dropped on save. */
const MAX_ENTRIES = 200_000;

/** [inode, size, mtimeNs, ctimeNs, md5, recordedAtMs]; strings because JSON has no bigint. */
type Entry = readonly [string, string, string, string, string, number];

interface StatCacheFile {
  readonly schema: 1;
  readonly entries: Record<string, Entry>;
}

/**
 * Remembers the md5 of files by (inode, size, mtime, ctime), so that an unchanged file is never
 * read twice. Keys are absolute paths. Losing the file only costs re-reading, so it is not fsynced.
 */
export class StatCache {
  readonly #file: string;
  readonly #entries: Map<string, Entry>;
  /** Keys set in this process, merged over the file's current content on save. */
  readonly #changed = new Set<string>();

  private constructor(file: string, entries: Map<string, Entry>) {
    this.#file = file;
    this.#entries = entries;
  }

  /** Reads `<stateDir>/stat-cache.json`; a missing or unreadable file gives an empty cache. */
  static async load(stateDir: string): Promise<StatCache> {
    const file = path.join(stateDir, STAT_CACHE_FILE);
    return new StatCache(file, await readEntries(file));
  }

  /** An empty cache that is never saved (for one-off hashing). */
  static inMemory(): StatCache {
    return new StatCache('', new Map());
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The recorded md5 when inode, size, mtime and ctime all match `st` and the entry was recorded
   * at least RACY_WINDOW_MS after the file's mtime; otherwise undefined.
   */
  get(absPath: string, st: BigIntStats): string | undefined {
    const entry = this.#entries.get(absPath);
    if (entry === undefined) return undefined;
    const [ino, size, mtimeNs, ctimeNs, md5, recordedAt] = entry;
    if (
      ino !== String(st.ino) ||
      size !== String(st.size) ||
      mtimeNs !== String(st.mtimeNs) ||
      ctimeNs !== String(st.ctimeNs)
    ) {
      return undefined;
    }
    return isTrusted(recordedAt, st) ? md5 : undefined;
  }

  set(absPath: string, st: BigIntStats, md5: string): void {
    const previous = this.#entries.get(absPath);
    const recordedAt = Date.now();
    const entry: Entry = [
      String(st.ino),
      String(st.size),
      String(st.mtimeNs),
      String(st.ctimeNs),
      md5,
      recordedAt,
    ];
    // Re-recording a trusted, identical entry changes nothing worth a write.
    if (
      previous !== undefined &&
      previous.slice(0, 5).every((value, i) => value === entry[i]) &&
      isTrusted(previous[5], st)
    ) {
      return;
    }
    this.#entries.set(absPath, entry);
    this.#changed.add(absPath);
  }

  /** Forgets a path (e.g. a deleted out). */
  delete(absPath: string): void {
    if (this.#entries.delete(absPath)) this.#changed.add(absPath);
  }

  /**
   * Writes the cache (temp + rename) when something changed since load. Entries another process
   * saved meanwhile are kept, except for paths set here.
   */
  async save(): Promise<void> {
    if (this.#changed.size === 0 || this.#file === '') return;
    const merged = await readEntries(this.#file);
    for (const key of this.#changed) {
      const entry = this.#entries.get(key);
      if (entry === undefined) merged.delete(key);
      else merged.set(key, entry);
    }
    const entries = merged.size > MAX_ENTRIES ? newest(merged, MAX_ENTRIES) : merged;
    const body: StatCacheFile = {schema: 1, entries: Object.fromEntries(entries)};
    await mkdir(path.dirname(this.#file), {recursive: true});
    await writeFileAtomic(this.#file, JSON.stringify(body));
    this.#changed.clear();
  }
}

function isTrusted(recordedAt: number, st: BigIntStats): boolean {
  return recordedAt - Number(st.mtimeNs / 1_000_000n) >= RACY_WINDOW_MS;
}

async function readEntries(file: string): Promise<Map<string, Entry>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return new Map();
  }
  try {
    const parsed = JSON.parse(text) as Partial<StatCacheFile> | null;
    if (parsed?.schema !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) {
      return new Map();
    }
    const entries = new Map<string, Entry>();
    for (const [key, entry] of Object.entries(parsed.entries)) {
      if (isEntry(entry)) entries.set(key, entry);
    }
    return entries;
  } catch {
    return new Map();
  }
}

function isEntry(value: unknown): value is Entry {
  return (
    Array.isArray(value) &&
    value.length === 6 &&
    value.slice(0, 5).every((item) => typeof item === 'string') &&
    typeof value[5] === 'number'
  );
}

function newest(entries: Map<string, Entry>, keep: number): Map<string, Entry> {
  const sorted = [...entries].sort((a, b) => b[1][5] - a[1][5]);
  return new Map(sorted.slice(0, keep));
}

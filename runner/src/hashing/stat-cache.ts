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
const SCHEMA = 2;
const MD5_HEX = /^[0-9a-f]{32}$/;

/**
 * On disk: `{"schema": 2, "entries": {"<abs path>": "<ino> <size> <mtimeNs> <ctimeNs> <md5>
 * <recordedAtMs>"}}`. One string per entry parses several times faster than an array per entry
 * (10,000 entries is the scale of a no-op status of a 1,000-stage pipeline), and a lookup is a
 * single prefix comparison. Entries are only decoded when looked up.
 */
type Entries = Record<string, unknown>;

/**
 * Remembers the md5 of files by (inode, size, mtime, ctime), so that an unchanged file is never
 * read twice. Keys are absolute paths. Losing the file only costs re-reading, so it is not fsynced.
 */
export class StatCache {
  readonly #file: string;
  /** As parsed from disk; never modified. */
  readonly #loaded: Entries;
  /** Entries set (string) or deleted (null) in this process; merged over the file on save. */
  readonly #changed = new Map<string, string | null>();

  private constructor(file: string, loaded: Entries) {
    this.#file = file;
    this.#loaded = loaded;
  }

  /** Reads `<stateDir>/stat-cache.json`; a missing or unreadable file gives an empty cache. */
  static async load(stateDir: string): Promise<StatCache> {
    const file = path.join(stateDir, STAT_CACHE_FILE);
    return new StatCache(file, await readEntries(file));
  }

  /** An empty cache that is never saved (for one-off hashing). */
  static inMemory(): StatCache {
    return new StatCache('', {});
  }

  /** Number of entries (loaded and set, minus deleted). */
  get size(): number {
    const keys = new Set(Object.keys(this.#loaded));
    for (const [key, entry] of this.#changed) {
      if (entry === null) keys.delete(key);
      else keys.add(key);
    }
    return keys.size;
  }

  /**
   * The recorded md5 when inode, size, mtime and ctime all match `st` and the entry was recorded
   * at least RACY_WINDOW_MS after the file's mtime; otherwise undefined.
   */
  get(absPath: string, st: BigIntStats): string | undefined {
    const entry = this.#entry(absPath);
    if (entry === undefined) return undefined;
    const prefix = statKey(st);
    if (!entry.startsWith(prefix)) return undefined;
    const md5 = entry.slice(prefix.length, prefix.length + 32);
    const recordedAt = Number(entry.slice(prefix.length + 33));
    if (!MD5_HEX.test(md5) || !Number.isFinite(recordedAt)) return undefined;
    return isTrusted(recordedAt, st) ? md5 : undefined;
  }

  set(absPath: string, st: BigIntStats, md5: string): void {
    const prefix = statKey(st);
    const previous = this.#entry(absPath);
    // Re-recording a trusted, identical entry changes nothing worth a write.
    if (
      previous !== undefined &&
      previous.startsWith(`${prefix}${md5} `) &&
      isTrusted(Number(previous.slice(prefix.length + 33)), st)
    ) {
      return;
    }
    this.#changed.set(absPath, `${prefix}${md5} ${Date.now()}`);
  }

  /** Forgets a path (e.g. a deleted out). */
  delete(absPath: string): void {
    if (this.#entry(absPath) !== undefined) this.#changed.set(absPath, null);
  }

  /**
   * Writes the cache (temp + rename) when something changed since load. Entries another process
   * saved meanwhile are kept, except for paths set here.
   */
  async save(): Promise<void> {
    if (this.#changed.size === 0 || this.#file === '') return;
    const merged = new Map(Object.entries(await readEntries(this.#file)));
    for (const [key, entry] of this.#changed) {
      if (entry === null || isTransient(key)) merged.delete(key);
      else merged.set(key, entry);
    }
    const entries = merged.size > MAX_ENTRIES ? newest(merged, MAX_ENTRIES) : merged;
    const body = {schema: SCHEMA, entries: Object.fromEntries(entries)};
    await mkdir(path.dirname(this.#file), {recursive: true});
    await writeFileAtomic(this.#file, JSON.stringify(body));
    this.#changed.clear();
  }

  #entry(absPath: string): string | undefined {
    const changed = this.#changed.get(absPath);
    if (changed !== undefined) return changed ?? undefined;
    // hasOwn: a path such as "constructor" must not find Object.prototype's.
    const loaded = Object.hasOwn(this.#loaded, absPath) ? this.#loaded[absPath] : undefined;
    return typeof loaded === 'string' ? loaded : undefined;
  }
}

/**
 * Paths that cannot be looked up again (a run's temp folder, temp files awaiting a rename) would
 * only grow the file.
 */
function isTransient(absPath: string): boolean {
  return (
    absPath.includes(`${path.sep}.runner${path.sep}tmp${path.sep}`) ||
    absPath.includes('.runner-tmp.')
  );
}

function statKey(st: BigIntStats): string {
  return `${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs} `;
}

function isTrusted(recordedAt: number, st: BigIntStats): boolean {
  return recordedAt - Number(st.mtimeNs / 1_000_000n) >= RACY_WINDOW_MS;
}

async function readEntries(file: string): Promise<Entries> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as {schema?: unknown; entries?: unknown} | null;
    if (
      parsed?.schema !== SCHEMA ||
      typeof parsed.entries !== 'object' ||
      parsed.entries === null
    ) {
      return {};
    }
    return parsed.entries as Entries;
  } catch {
    return {};
  }
}

function newest(entries: Map<string, unknown>, keep: number): Map<string, unknown> {
  const recordedAt = (entry: unknown): number =>
    typeof entry === 'string' ? Number(entry.slice(entry.lastIndexOf(' ') + 1)) || 0 : 0;
  const sorted = [...entries].sort((a, b) => recordedAt(b[1]) - recordedAt(a[1]));
  return new Map(sorted.slice(0, keep));
}

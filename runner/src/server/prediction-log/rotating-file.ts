import {mkdirSync} from 'node:fs';
import {open, readFile, rename, rm, stat, type FileHandle} from 'node:fs/promises';
import {dirname} from 'node:path';

/** Options of {@link RotatingFile}. */
export interface RotatingFileOptions {
  /** The live file; rotated copies are `<path>.1` (newest) to `<path>.<maxFiles - 1>`. */
  readonly path: string;
  /** Rotate before a write would take the live file past this; default 20 MB. */
  readonly maxBytes?: number;
  /** Files kept, the live one included; default 5 (so at most 5 x maxBytes on disk). */
  readonly maxFiles?: number;
  /** Lines waiting for the disk beyond this are dropped (and counted); default 16 MB. */
  readonly maxPendingBytes?: number;
  /**
   * Lines are written in batches at most this late (default 50 ms), or as soon as 256 KB wait: one
   * write per batch instead of one per request keeps the disk off the request path.
   */
  readonly flushDelayMs?: number;
}

const EAGER_FLUSH_BYTES = 256 * 1024;

/**
 * An append-only line log, rotated by size, that never blocks its caller: `append` queues the
 * line and one background write at a time drains the queue. If the disk cannot keep up, new lines
 * are dropped and counted rather than letting memory grow without bound.
 */
export class RotatingFile {
  readonly path: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
  readonly #maxPending: number;
  readonly #flushDelay: number;
  #timer: NodeJS.Timeout | undefined;
  #pending: string[] = [];
  #pendingBytes = 0;
  #handle: FileHandle | undefined;
  #size = 0;
  #draining: Promise<void> | undefined;
  #dropped = 0;
  #failure: Error | undefined;

  constructor(options: RotatingFileOptions) {
    this.path = options.path;
    this.maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
    this.maxFiles = Math.max(1, options.maxFiles ?? 5);
    this.#maxPending = options.maxPendingBytes ?? 16 * 1024 * 1024;
    this.#flushDelay = options.flushDelayMs ?? 50;
    mkdirSync(dirname(this.path), {recursive: true});
  }

  /** Lines dropped because the queue was full or the disk failed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The last write error, if the log is failing (reported by /health). */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Queues one line (without its newline). */
  append(line: string): void {
    if (this.#pendingBytes + line.length > this.#maxPending) {
      this.#dropped++;
      return;
    }
    this.#pending.push(line);
    this.#pendingBytes += line.length + 1;
    if (this.#draining) return;
    if (this.#pendingBytes >= EAGER_FLUSH_BYTES) this.#startDrain();
    else this.#timer ??= setTimeout(() => this.#startDrain(), this.#flushDelay);
  }

  /** Resolves when everything queued so far is on disk. */
  async flush(): Promise<void> {
    if (this.#pending.length > 0 && !this.#draining) this.#startDrain();
    while (this.#draining) await this.#draining;
  }

  #startDrain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      // Lines queued while the last batch was being written.
      if (this.#pending.length > 0) this.#startDrain();
    });
  }

  async close(): Promise<void> {
    await this.flush();
    await this.#handle?.close();
    this.#handle = undefined;
  }

  /** Every file, newest first: the live one, then `.1`, `.2`, ... */
  files(): string[] {
    return Array.from({length: this.maxFiles}, (_, i) =>
      i === 0 ? this.path : `${this.path}.${i}`,
    );
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const lines = this.#pending;
      this.#pending = [];
      this.#pendingBytes = 0;
      let written = 0;
      try {
        await this.#open();
        while (written < lines.length) {
          // Fill the live file up to maxBytes, then rotate; a lone oversized line still gets written.
          const batch: string[] = [];
          let bytes = 0;
          for (let i = written; i < lines.length; i++) {
            const size = Buffer.byteLength(lines[i] as string) + 1;
            if (this.#size + bytes + size > this.maxBytes && (batch.length > 0 || this.#size > 0)) {
              break;
            }
            batch.push(lines[i] as string);
            bytes += size;
          }
          if (batch.length === 0) {
            await this.#rotate();
            continue;
          }
          await (this.#handle as FileHandle).write(`${batch.join('\n')}\n`);
          this.#size += bytes;
          written += batch.length;
          if (written < lines.length) await this.#rotate();
        }
        this.#failure = undefined;
      } catch (e) {
        this.#dropped += lines.length - written;
        this.#failure = e instanceof Error ? e : new Error(String(e));
        await this.#handle?.close().catch(() => undefined);
        this.#handle = undefined;
      }
    }
  }

  async #open(): Promise<FileHandle> {
    if (!this.#handle) {
      this.#handle = await open(this.path, 'a');
      this.#size = (await this.#handle.stat()).size;
    }
    return this.#handle;
  }

  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    const files = this.files();
    await rm(files[files.length - 1] as string, {force: true});
    for (let i = files.length - 2; i >= 0; i--) {
      await rename(files[i] as string, files[i + 1] as string).catch(ignoreMissing);
    }
    await this.#open();
  }
}

function ignoreMissing(e: unknown): void {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}

/**
 * The last `count` lines over a rotated set of files (oldest first), reading newer files first
 * and stopping as soon as it has enough.
 */
export async function readLastLines(files: readonly string[], count: number): Promise<string[]> {
  const chunks: string[][] = [];
  let have = 0;
  for (const file of files) {
    if (have >= count) break;
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.length > 0);
    const take = lines.slice(Math.max(0, lines.length - (count - have)));
    chunks.unshift(take);
    have += take.length;
  }
  return chunks.flat();
}

import {closeSync, openSync, writeSync} from 'node:fs';

const CAPACITY = 8 << 20;
/** Enough for any row: 8 cells of at most 32,767 characters, UTF-8 and quote-doubled. */
export const MAX_ROW_BYTES = 2 << 20;

/**
 * Buffered bytes to a file, for the CSV that .xlsx and sample rows stream into: copying byte
 * ranges avoids building a JS string per field.
 */
export class ByteCsvWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(CAPACITY);
  private position = 0;
  rows = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.position + n > CAPACITY) this.flush();
    if (n > CAPACITY) throw new Error(`a CSV row of ${n} bytes is too long`);
  }

  byte(code: number): void {
    this.buffer[this.position++] = code;
  }

  /** Copies `source[start..end)`; a loop beats a native call for the short fields here. */
  range(source: Uint8Array, start: number, end: number): void {
    const out = this.buffer;
    let p = this.position;
    for (let i = start; i < end; i++) out[p++] = source[i] as number;
    this.position = p;
  }

  bytes(source: Uint8Array): void {
    if (source.length > 32) {
      this.buffer.set(source, this.position);
      this.position += source.length;
    } else this.range(source, 0, source.length);
  }

  endRow(): void {
    this.buffer[this.position++] = 10;
    this.rows++;
  }

  flush(): void {
    if (this.position === 0) return;
    let written = 0;
    while (written < this.position)
      written += writeSync(this.fd, this.buffer, written, this.position - written);
    this.position = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

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

  /** Writes an integer in decimal. */
  int(value: number): void {
    const out = this.buffer;
    let v = value;
    if (v < 0) {
      out[this.position++] = 45;
      v = -v;
    }
    if (v < 10) {
      out[this.position++] = 48 + v;
      return;
    }
    let digits = 0;
    for (let t = v; t > 0; t = Math.floor(t / 10)) digits++;
    let p = this.position + digits;
    this.position = p;
    for (; v > 0; v = Math.floor(v / 10)) out[--p] = 48 + (v % 10);
  }

  /** Writes thousandths as a decimal (`2550` -> `2.55`, `3000` -> `3`), as JS would print n / 1000. */
  thousandths(value: number): void {
    const negative = value < 0;
    const v = negative ? -value : value;
    if (negative) this.buffer[this.position++] = 45;
    this.int(Math.floor(v / 1000));
    let fraction = v % 1000;
    if (fraction === 0) return;
    this.buffer[this.position++] = 46;
    let digits = 3;
    while (fraction % 10 === 0) {
      fraction /= 10;
      digits--;
    }
    const text = String(fraction).padStart(digits, '0');
    for (let i = 0; i < text.length; i++) this.buffer[this.position++] = text.charCodeAt(i);
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

import {createReadStream} from 'node:fs';
import {open} from 'node:fs/promises';
import {crc32, createInflateRaw} from 'node:zlib';

/** One file of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

/** A zip archive on disk whose entries can be streamed one at a time. */
export interface ZipArchive {
  readonly path: string;
  /** How errors name the archive (the url or the entry it came from). */
  readonly label: string;
  readonly entries: readonly ZipEntry[];
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Reads the central directory; a truncated archive fails here with a clear message. */
export async function openZip(path: string, label = path): Promise<ZipArchive> {
  const handle = await open(path, 'r');
  try {
    const {size} = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw corrupt(label, 'no end-of-central-directory record (truncated download?)');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) {
      throw corrupt(
        label,
        'zip64 archives are not supported; re-pack it as a plain zip or .csv.gz',
      );
    }
    if (cdOffset + cdSize > size - tailLength + eocd) {
      throw corrupt(label, 'central directory points past the end (truncated download?)');
    }
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) {
        throw corrupt(label, `bad central directory record ${i}`);
      }
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      entries.push({
        method: cd.readUInt16LE(p + 10),
        crc: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
        name: cd.toString('utf8', p + 46, p + 46 + nameLength),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return {path, label, entries};
  } finally {
    await handle.close();
  }
}

/** The entry with this exact name (leading slashes ignored), or undefined. */
export function findEntry(zip: ZipArchive, name: string): ZipEntry | undefined {
  const wanted = name.replace(/^\/+/, '');
  return zip.entries.find((e) => e.name === wanted);
}

/**
 * Streams an entry's uncompressed bytes, checking size and CRC-32 at the end so a corrupt archive
 * never passes as a short table.
 */
export async function* readEntry(
  zip: ZipArchive,
  entry: ZipEntry,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw corrupt(
      zip.label,
      `entry ${entry.name} uses compression method ${entry.method}; only stored and deflate are supported`,
    );
  }
  const handle = await open(zip.path, 'r');
  const header = Buffer.alloc(30);
  try {
    await handle.read(header, 0, 30, entry.localHeaderOffset);
  } finally {
    await handle.close();
  }
  if (header.readUInt32LE(0) !== LOCAL)
    throw corrupt(zip.label, `bad local header of ${entry.name}`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (entry.compressedSize === 0) {
    if (entry.size !== 0) throw corrupt(zip.label, `entry ${entry.name} is empty`);
    return;
  }
  const raw = createReadStream(zip.path, {
    start,
    end: start + entry.compressedSize - 1,
    highWaterMark: 1 << 20,
    ...(signal ? {signal} : {}),
  });
  const source = entry.method === 8 ? raw.pipe(createInflateRaw({chunkSize: 1 << 20})) : raw;
  if (entry.method === 8) raw.on('error', (e) => source.destroy(e));
  let size = 0;
  let crc = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    throw corrupt(zip.label, `entry ${entry.name}: ${(error as Error).message}`);
  } finally {
    raw.destroy();
    source.destroy();
  }
  if (size !== entry.size || crc >>> 0 !== entry.crc >>> 0) {
    throw corrupt(
      zip.label,
      `entry ${entry.name} has ${size} bytes and CRC ${(crc >>> 0).toString(16)}, expected ${entry.size} and ${(entry.crc >>> 0).toString(16)}`,
    );
  }
}

/** Reads a small entry whole (workbook, relationships, styles, shared strings). */
export async function readEntryText(zip: ZipArchive, entry: ZipEntry): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of readEntry(zip, entry)) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

function corrupt(path: string, detail: string): Error {
  return new Error(`download: corrupt zip ${path}: ${detail}.`);
}

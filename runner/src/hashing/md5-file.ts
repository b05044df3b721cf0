import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {open} from 'node:fs/promises';

/**
 * Bytes per read. Measured with bench/hash-bench.mjs (1 GB and 256 MB files): 256 KB-512 KB
 * reads are fastest, 1 MB is 1.3-1.8x and 4 MB is 3x slower: the two buffers must stay in the CPU
 * cache between the read (a copy from the page cache) and the hashing.
 */
export const MD5_CHUNK_BYTES = 512 * 1024;

/** Bytes read from disk by md5File since the process started (for benchmarks and tests). */
let bytesRead = 0;
export function md5BytesRead(): number {
  return bytesRead;
}

/**
 * md5 of a file's bytes, streamed with two large buffers so that the next read (in libuv's
 * thread pool) overlaps the hashing of the current chunk (on this thread). `chunkBytes` is for
 * benchmarks.
 */
export async function md5File(
  absPath: string,
  options: {readonly chunkBytes?: number} = {},
): Promise<{md5: string; size: number}> {
  const handle = await open(absPath, 'r');
  try {
    const hash = createHash('md5');
    const size = Number((await handle.stat({bigint: true})).size);
    // A small file needs no big buffers.
    const chunk = Math.max(1, Math.min(options.chunkBytes ?? MD5_CHUNK_BYTES, size));
    const buffers = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)] as const;
    let position = 0;
    let which = 0;
    let pending = handle.read(buffers[0], 0, chunk, 0);
    for (;;) {
      const {bytesRead: n} = await pending;
      if (n === 0) break;
      const current = buffers[which]!;
      position += n;
      which ^= 1;
      // Start the next read before hashing; the two never touch the same buffer.
      pending = handle.read(buffers[which]!, 0, chunk, position);
      hash.update(n === chunk ? current : current.subarray(0, n));
      bytesRead += n;
    }
    // The size is what was hashed, not what stat said before (the file may have grown).
    return {md5: hash.digest('hex'), size: position};
  } finally {
    await handle.close();
  }
}

/** Files up to this size are read in one synchronous call by md5SmallFileSync. */
export const SMALL_FILE_BYTES = 256 * 1024;

/**
 * md5 of a small file read in one synchronous call: for a file of a few KB, the five thread-pool
 * round trips of md5File (open, fstat, read, read, close) cost far more than the read itself.
 */
export function md5SmallFileSync(absPath: string): {md5: string; size: number} {
  const bytes = readFileSync(absPath);
  bytesRead += bytes.length;
  return {md5: createHash('md5').update(bytes).digest('hex'), size: bytes.length};
}

import {createHash} from 'node:crypto';
import {constants, readFileSync, statSync, writeFileSync} from 'node:fs';
import {chmod, copyFile, open, rm} from 'node:fs/promises';
import {MD5_CHUNK_BYTES, md5File, SMALL_FILE_BYTES} from '../hashing/md5-file.js';

/** Whether this filesystem has refused a reflink; then we stop trying (per process). */
let reflinkRefused = false;

/**
 * Copies `src` to a new file `dst` (which must not exist) and returns the md5 of the bytes that
 * landed in `dst`, so the caller can compare it with the expected hash. `dst` gets mode 0o666
 * minus the umask. On a filesystem with reflinks (btrfs, XFS, APFS) the copy shares blocks and
 * only the hash reads data; elsewhere one pass reads, hashes and writes.
 */
export async function copyAndHash(src: string, dst: string): Promise<string> {
  // A small file costs more in thread-pool round trips (about ten) than in bytes.
  if (statSync(src).size <= SMALL_FILE_BYTES) return copySmallAndHash(src, dst);
  if (!reflinkRefused) {
    const handle = await open(dst, 'wx', 0o666);
    const mode = (await handle.stat()).mode & 0o777;
    await handle.close();
    try {
      await copyFile(src, dst, constants.COPYFILE_FICLONE_FORCE);
      // copyFile gives dst the source's mode (0444 for cache objects).
      await chmod(dst, mode);
      return (await md5File(dst)).md5;
    } catch (error) {
      await rm(dst, {force: true});
      if (!isReflinkRefusal(error)) throw error;
      reflinkRefused = true;
    }
  }
  return streamCopyAndHash(src, dst);
}

function isReflinkRefusal(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === 'ENOTSUP' ||
    code === 'EOPNOTSUPP' ||
    code === 'EXDEV' ||
    code === 'EINVAL' ||
    code === 'ENOSYS' ||
    code === 'ENOTTY'
  );
}

function copySmallAndHash(src: string, dst: string): string {
  const bytes = readFileSync(src);
  writeFileSync(dst, bytes, {flag: 'wx', mode: 0o666});
  return createHash('md5').update(bytes).digest('hex');
}

async function streamCopyAndHash(src: string, dst: string): Promise<string> {
  const input = await open(src, 'r');
  try {
    const output = await open(dst, 'wx', 0o666);
    try {
      const hash = createHash('md5');
      const buffer = Buffer.allocUnsafe(MD5_CHUNK_BYTES);
      for (;;) {
        const {bytesRead} = await input.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        // write() may take less than it was given.
        for (let offset = 0; offset < bytesRead;) {
          offset += (await output.write(chunk, offset, bytesRead - offset)).bytesWritten;
        }
      }
      return hash.digest('hex');
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

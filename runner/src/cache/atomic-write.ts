import {chmod, open, rename, rm} from 'node:fs/promises';
import {tempPathFor} from './temp-files.js';

export interface AtomicWriteOptions {
  /** Permission bits of the final file (default: 0o666 minus the umask). */
  readonly mode?: number;
  /**
   * fsync the data before the rename so that a power cut cannot leave an empty file under the
   * final name. A SIGKILL alone cannot do that (the page cache survives the process), so
   * rebuildable state such as the stat cache may skip it.
   */
  readonly fsync?: boolean;
}

/**
 * Writes `data` to a temp file beside `file` and renames it over `file`: readers and a killed
 * process see either the old or the new content, never a partial file.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempPathFor(file);
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      if (options.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    // open()'s mode is reduced by the umask; an explicit mode must hold exactly.
    if (options.mode !== undefined) await chmod(temp, options.mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, {force: true});
    throw error;
  }
}

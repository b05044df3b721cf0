import {randomBytes} from 'node:crypto';
import {readdir, rm} from 'node:fs/promises';
import path from 'node:path';
import {isProcessAlive} from '../lock/process-alive.js';

/**
 * Every temp file or folder the state layer writes is named `.<base>.runner-tmp.<pid>.<random>`
 * (or `.runner-old.` for a workspace path moved aside to be replaced), in the folder of the path
 * it will replace. The PID lets the next run tell the leftovers of a killed run (remove) from
 * those of a live one (keep).
 */
const TEMP_NAME = /^\..*\.runner-(?:tmp|old)\.(\d+)\.[0-9a-f]{8}$/;

export function tempPathFor(target: string, kind: 'tmp' | 'old' = 'tmp'): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  return path.join(dir, `.${base}.runner-${kind}.${process.pid}.${randomBytes(4).toString('hex')}`);
}

/** The PID embedded in a temp name, or undefined when `name` is not one of ours. */
export function tempNameOwner(name: string): number | undefined {
  const match = TEMP_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Removes, from `dir` only (not recursive), the temp files and folders of processes that are no
 * longer running. Returns the names removed. A missing folder is fine.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = tempNameOwner(name);
    if (owner === undefined || isProcessAlive(owner)) continue;
    await rm(path.join(dir, name), {recursive: true, force: true});
    removed.push(name);
  }
  return removed;
}

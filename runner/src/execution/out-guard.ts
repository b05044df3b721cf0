import {lstat, mkdir, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';

interface BackupEntry {
  readonly target: string;
  readonly backup: string;
}

/**
 * Moves a cmd stage's previous outs aside before its command runs (a command may write its outs
 * in place, bit by bit), and puts them back if the command fails or is stopped. A manifest is
 * written before anything moves, so when the runner itself is killed the next run, holding the
 * project lock, puts them back with {@link recoverBackups}.
 */
export class OutGuard {
  readonly #dir: string;
  /** Outs that existed and were moved aside. */
  readonly #entries: BackupEntry[] = [];
  /** Every out the command may write, moved or not. */
  readonly #targets: string[];
  #hasDir = false;

  private constructor(dir: string, targets: string[]) {
    this.#dir = dir;
    this.#targets = targets;
  }

  static async moveAside(
    backupRoot: string,
    root: string,
    outs: readonly string[],
  ): Promise<OutGuard> {
    const dir = path.join(
      backupRoot,
      `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    );
    const targets = outs.map((out) => path.join(root, out));
    const guard = new OutGuard(dir, targets);
    const existing: BackupEntry[] = [];
    for (const [i, target] of targets.entries()) {
      if (await exists(target)) existing.push({target, backup: path.join(dir, String(i))});
      else await mkdir(path.dirname(target), {recursive: true});
    }
    // Nothing to protect (a first run): no backup folder, no manifest.
    if (existing.length === 0) return guard;
    await mkdir(dir, {recursive: true});
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(existing));
    guard.#hasDir = true;
    for (const entry of existing) {
      try {
        await rename(entry.target, entry.backup);
        guard.#entries.push(entry);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return guard;
  }

  /** The command failed: drop what it wrote and put the previous outs back. */
  async restore(): Promise<void> {
    for (const target of this.#targets) await rm(target, {recursive: true, force: true});
    for (const entry of this.#entries) await rename(entry.backup, entry.target);
    if (this.#hasDir) await rm(this.#dir, {recursive: true, force: true});
  }

  /** The command succeeded: the previous outs are no longer needed (they are in the cache). */
  async discard(): Promise<void> {
    if (this.#hasDir) await rm(this.#dir, {recursive: true, force: true});
  }
}

/**
 * Puts back the outs that a killed run had moved aside. Only call while holding the project
 * lock: then every backup left belongs to a run that is gone.
 */
export async function recoverBackups(backupRoot: string): Promise<number> {
  let recovered = 0;
  let dirs: string[];
  try {
    dirs = await readdir(backupRoot);
  } catch {
    return 0;
  }
  for (const name of dirs) {
    const dir = path.join(backupRoot, name);
    let entries: BackupEntry[] = [];
    try {
      entries = JSON.parse(
        await readFile(path.join(dir, 'manifest.json'), 'utf8'),
      ) as BackupEntry[];
    } catch {
      // No manifest: the run died before moving anything.
    }
    for (const entry of entries) {
      try {
        await rename(entry.backup, entry.backup + '.restoring');
      } catch {
        continue; // This out was never moved.
      }
      await rm(entry.target, {recursive: true, force: true});
      await mkdir(path.dirname(entry.target), {recursive: true});
      await rename(entry.backup + '.restoring', entry.target);
      recovered++;
    }
    await rm(dir, {recursive: true, force: true});
  }
  return recovered;
}

/** Moves a plugin's finished temp output over its real path, as one rename where possible. */
export async function commitOutput(
  tempPath: string,
  target: string,
  scratch: string,
): Promise<void> {
  await mkdir(path.dirname(target), {recursive: true});
  const old = `${scratch}.old`;
  let hadOld = false;
  try {
    await rename(target, old);
    hadOld = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await rename(tempPath, target);
  if (hadOld) await rm(old, {recursive: true, force: true});
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

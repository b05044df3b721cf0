import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {lockRefFromText, type LockRef} from './lock-view.js';
import {mapSettled} from './map-limit.js';

const run = promisify(execFile);

/** Locks of git history, for `gc --all-commits`. */
export interface HistoryLocks {
  readonly locks: LockRef[];
  /** Commits whose pipeline.lock exists but is not YAML (their objects cannot be known). */
  readonly unreadable: string[];
}

/**
 * The pipeline.lock of every commit of every branch (`git log --all`), read with `git show`.
 * Commits without a lock are skipped. Throws when `root` is not in a git repository.
 */
export async function locksOfAllCommits(
  root: string,
  lockName = 'pipeline.lock',
): Promise<HistoryLocks> {
  const {stdout} = await run('git', ['log', '--all', '--format=%H'], {
    cwd: root,
    maxBuffer: 64 << 20,
  });
  const revisions = stdout.split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line));
  const texts = await mapSettled(revisions, 8, async (rev) => {
    const shown = await run('git', ['show', `${rev}:./${lockName}`], {
      cwd: root,
      maxBuffer: 256 << 20,
    });
    return shown.stdout;
  });
  const locks: LockRef[] = [];
  const unreadable: string[] = [];
  const seen = new Set<string>();
  texts.forEach((result, index) => {
    // A commit without a lock makes `git show` fail: nothing to keep for it.
    if (result.status === 'rejected' || seen.has(result.value)) return;
    seen.add(result.value);
    try {
      locks.push(lockRefFromText(result.value));
    } catch {
      unreadable.push(revisions[index] ?? '');
    }
  });
  return {locks, unreadable};
}

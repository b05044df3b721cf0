import {createHash, randomBytes} from 'node:crypto';
import {readdirSync} from 'node:fs';
import {link, mkdir, readFile, rename, rm, stat, unlink, writeFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {removeStaleTemps, tempPathFor} from '../cache/temp-files.js';
import {err, ok, type Result} from '../util/result.js';
import {isProcessAlive} from './process-alive.js';

/** Held while a run modifies the project; release() when done. */
export interface ProjectLock {
  /** A fresh folder under `.runner/tmp` for this run's temp files, removed on release. */
  readonly tmpDir: string;
  release(): Promise<void>;
}

/** Who holds the lock. */
export interface LockHolder {
  readonly pid: number;
  /** ISO 8601 time the lock was taken. */
  readonly since: string;
}

export interface AcquireOptions {
  /** Wait (polling) while a live process holds the lock, instead of returning its holder. */
  readonly wait: boolean;
  /** Give up waiting after this long and return the holder. */
  readonly timeoutMs?: number;
  /** Called once, when we first find the lock held and start waiting. */
  readonly onWait?: (holder: LockHolder) => void;
}

/** File name of the lock inside the state root. */
export const LOCK_FILE = 'lock';
const POLL_MS = 100;

interface LockContent extends LockHolder {
  readonly hostname: string;
  /** Makes each lock instance unique, so a takeover claim names exactly one instance. */
  readonly nonce: string;
}

/**
 * Takes the project lock `<stateRoot>/lock`, a file holding `{pid, hostname, since, nonce}`.
 *
 * The file is created whole and exclusively with link(2) from a temp file, so readers never see
 * it partial and two creators cannot both succeed. A lock whose process is dead (same host) is
 * taken over: the taker first creates `lock.takeover-<hash of the dead content>` exclusively
 * (only one contender can), checks the lock still holds that dead content, and renames its own
 * content over it. A taker that dies mid-way leaves a claim that the next taker takes over the
 * same way. A lock of another host is never taken over (its PID cannot be checked).
 *
 * On success, the temp folders under `<stateRoot>/tmp` left by earlier runs and the temp files
 * of dead processes in the runner's folders are removed.
 */
export async function acquireProjectLock(
  stateRoot: string,
  options: AcquireOptions,
): Promise<Result<ProjectLock, LockHolder>> {
  await mkdir(stateRoot, {recursive: true});
  const lockFile = path.join(stateRoot, LOCK_FILE);
  const content: LockContent = {
    pid: process.pid,
    hostname: hostname(),
    since: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  const raw = JSON.stringify(content) + '\n';
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let waited = false;
  for (;;) {
    const attempt = await tryAcquire(lockFile, raw);
    if (attempt.ok) break;
    const holder = attempt.error;
    if (holder !== 'retry') {
      if (!options.wait || Date.now() >= deadline) return err(holder);
      if (!waited) options.onWait?.(holder);
      waited = true;
    }
    // Jitter keeps contenders from retrying in lockstep.
    await sleep(holder === 'retry' ? Math.random() * 20 : POLL_MS + Math.random() * POLL_MS);
  }
  await cleanAfterAcquire(stateRoot);
  const tmpDir = path.join(
    stateRoot,
    'tmp',
    `run-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(tmpDir, {recursive: true});
  let released = false;
  return ok({
    tmpDir,
    release: async () => {
      if (released) return;
      released = true;
      await rm(tmpDir, {recursive: true, force: true});
      // Only remove the lock if it is still ours.
      if ((await readRaw(lockFile)) === raw) await unlink(lockFile).catch(() => undefined);
    },
  });
}

/** ok when we hold the lock; otherwise the live holder, or 'retry' after a lost race. */
async function tryAcquire(
  lockFile: string,
  raw: string,
): Promise<Result<void, LockHolder | 'retry'>> {
  if (await createExclusively(lockFile, raw)) return ok(undefined);
  const current = await readRaw(lockFile);
  if (current === undefined) return err('retry');
  const holder = await liveHolder(lockFile, current);
  if (holder !== undefined) return err(holder);
  const outcome = await replaceDead(lockFile, current, raw);
  if (outcome === 'done') return ok(undefined);
  return err(outcome === 'retry' ? 'retry' : outcome);
}

/**
 * Replaces `file`, whose content `dead` belongs to a dead process, by `raw`, unless someone else
 * does first. Guarded by an exclusive claim file, itself taken over recursively if its claimant
 * died.
 */
async function replaceDead(
  file: string,
  dead: string,
  raw: string,
): Promise<'done' | 'retry' | LockHolder> {
  const claim = `${file}.takeover-${createHash('sha256').update(dead).digest('hex').slice(0, 16)}`;
  if (!(await createExclusively(claim, raw))) {
    const claimant = await readRaw(claim);
    if (claimant === undefined) return 'retry';
    // A live claimant is taking the lock over: it is the holder to report or wait for.
    const holder = await liveHolder(claim, claimant);
    if (holder !== undefined) return holder;
    const taken = await replaceDead(claim, claimant, raw);
    if (taken !== 'done') return taken;
  }
  // We own the claim: nobody else may replace `file` while it still holds `dead`.
  try {
    if ((await readRaw(file)) !== dead) return 'retry';
    const temp = tempPathFor(file);
    await writeFile(temp, raw, {flag: 'wx'});
    await rename(temp, file);
    return 'done';
  } finally {
    await unlink(claim).catch(() => undefined);
  }
}

/** Creates `file` holding `raw`, atomically and only if it does not exist. */
async function createExclusively(file: string, raw: string): Promise<boolean> {
  const temp = tempPathFor(file);
  await writeFile(temp, raw, {flag: 'wx'});
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') {
      throw error;
    }
    // No hard links on this filesystem: an exclusive create is still exclusive, but a reader may
    // see the file empty for a moment (liveHolder gives such a file two seconds).
    return createWithoutLink(file, raw);
  } finally {
    await unlink(temp);
  }
}

async function createWithoutLink(file: string, raw: string): Promise<boolean> {
  try {
    await writeFile(file, raw, {flag: 'wx'});
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The holder recorded in `raw` if it is alive; undefined when dead (or unreadable and old). */
async function liveHolder(file: string, raw: string): Promise<LockHolder | undefined> {
  const content = parseContent(raw);
  if (content === undefined) {
    // Not written by us: give a writer that is not atomic a moment before calling it stale.
    const age = await stat(file).then(
      (st) => Date.now() - st.mtimeMs,
      () => Infinity,
    );
    return age < 2000 ? {pid: 0, since: 'unknown'} : undefined;
  }
  const holder = {pid: content.pid, since: content.since};
  if (content.hostname !== hostname()) return holder;
  return isProcessAlive(content.pid, Date.parse(content.since)) ? holder : undefined;
}

function parseContent(raw: string): LockContent | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockContent> | null;
    if (
      typeof value?.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.since === 'string' &&
      typeof value.nonce === 'string'
    ) {
      return value as LockContent;
    }
  } catch {
    // Falls through.
  }
  return undefined;
}

async function readRaw(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * With the lock held, nothing else writes here: remove the run folders of earlier runs, claims
 * of dead takers, and temp files of dead processes.
 */
async function cleanAfterAcquire(stateRoot: string): Promise<void> {
  await rm(path.join(stateRoot, 'tmp'), {recursive: true, force: true});
  for (const name of safeReaddir(stateRoot)) {
    if (!name.startsWith(`${LOCK_FILE}.takeover-`)) continue;
    const file = path.join(stateRoot, name);
    const raw = await readRaw(file);
    if (raw !== undefined && (await liveHolder(file, raw)) === undefined)
      await rm(file, {force: true});
  }
  const root = path.dirname(stateRoot);
  for (const dir of [
    stateRoot,
    path.join(stateRoot, 'state'),
    path.join(stateRoot, 'cache', 'tmp'),
    path.join(stateRoot, 'cache', 'runs'),
    root,
  ]) {
    await removeStaleTemps(dir);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {createHash} from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {compileForChild} from '../../../test/support/compile-for-child.js';
import {acquireProjectLock, LOCK_FILE, type ProjectLock} from './project-lock.js';

let compiled: {outDir: string; cleanup: () => void};
let childScript: string;

/** A child process that uses the real lock code; see `mode` below. */
const CHILD = `
import {appendFileSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {acquireProjectLock} from './runner/src/lock/project-lock.js';
const [stateRoot, mode, arg, log, startAt] = process.argv.slice(2);
if (mode === 'hold') {
  const lock = await acquireProjectLock(stateRoot, {wait: false});
  if (!lock.ok) process.exit(3);
  process.stdout.write(JSON.stringify({tmpDir: lock.value.tmpDir}) + '\\n');
  setInterval(() => {}, 1000);
  process.on('SIGTERM', () => lock.value.release().then(() => process.exit(0)));
} else if (mode === 'hold-for') {
  const lock = await acquireProjectLock(stateRoot, {wait: false});
  if (!lock.ok) process.exit(3);
  process.stdout.write('held\\n');
  await sleep(Number(arg));
  await lock.value.release();
} else if (mode === 'race') {
  while (Date.now() < Number(startAt)) await sleep(1);
  for (let round = 0; round < Number(arg); round++) {
    const lock = await acquireProjectLock(stateRoot, {wait: true});
    if (!lock.ok) process.exit(4);
    appendFileSync(log, '+' + process.pid + '\\n');
    await sleep(5 + Math.random() * 15);
    appendFileSync(log, '-' + process.pid + '\\n');
    // The last round dies holding the lock: the others must take it over, one at a time.
    if (round === Number(arg) - 1) process.exit(0);
    await lock.value.release();
  }
}
`;

beforeAll(() => {
  compiled = compileForChild([
    'runner/src/util',
    'runner/src/lock',
    'runner/src/cache',
    'runner/src/hashing',
  ]);
  childScript = path.join(compiled.outDir, 'lock-child.mjs');
  writeFileSync(childScript, CHILD);
});
afterAll(() => compiled.cleanup());

let dir: string;
let stateRoot: string;
const children: ChildProcess[] = [];
const held: ProjectLock[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'project-lock-'));
  stateRoot = path.join(dir, '.runner');
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const lock of held.splice(0)) await lock.release();
  rmSync(dir, {recursive: true, force: true});
});

async function acquire(): Promise<ProjectLock> {
  const result = await acquireProjectLock(stateRoot, {wait: false});
  if (!result.ok) throw new Error(`lock held by ${result.error.pid}`);
  held.push(result.value);
  return result.value;
}

/** Starts a child in `mode` and resolves once it printed its first line. */
function startChild(
  mode: string,
  ...args: string[]
): Promise<{pid: number; line: string; exited: Promise<number | null>}> {
  const child = spawn(process.execPath, [childScript, stateRoot, mode, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({pid: child.pid!, line: out.split('\n')[0]!, exited});
    });
    child.on('exit', (code) =>
      reject(new Error(`child exited with ${code} before holding the lock`)),
    );
  });
}

/** The PID of a process that has exited (and been reaped). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(result.stdout);
}

function lockContent(pid: number, host = hostname()): string {
  return (
    JSON.stringify({
      pid,
      hostname: host,
      since: new Date().toISOString(),
      nonce: 'feedfacefeedface',
    }) + '\n'
  );
}

describe('acquireProjectLock', () => {
  it('records the holder and gives the next acquirer its PID', async () => {
    await acquire();
    const content = JSON.parse(readFileSync(path.join(stateRoot, LOCK_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(content).toMatchObject({pid: process.pid, hostname: hostname()});
    const second = await acquireProjectLock(stateRoot, {wait: false});
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.error.pid).toBe(process.pid);
      expect(second.error.since).toBe(content['since']);
    }
  });

  it('can be taken again after release, which removes the lock file and the run folder', async () => {
    const first = await acquire();
    expect(existsSync(first.tmpDir)).toBe(true);
    expect(path.dirname(first.tmpDir)).toBe(path.join(stateRoot, 'tmp'));
    await first.release();
    expect(existsSync(path.join(stateRoot, LOCK_FILE))).toBe(false);
    expect(existsSync(first.tmpDir)).toBe(false);
    const second = await acquire();
    expect(second.tmpDir).not.toBe(first.tmpDir);
  });

  it('returns the holder of a live process in another process', async () => {
    const child = await startChild('hold');
    const result = await acquireProjectLock(stateRoot, {wait: false});
    expect(result).toMatchObject({ok: false, error: {pid: child.pid}});
  });

  it('takes over the lock of a process killed with SIGKILL, and removes its temp folder', async () => {
    const child = await startChild('hold');
    const {tmpDir} = JSON.parse(child.line) as {tmpDir: string};
    writeFileSync(path.join(tmpDir, 'partial-output'), 'half');
    children.at(-1)!.kill('SIGKILL');
    await child.exited;
    expect(JSON.parse(readFileSync(path.join(stateRoot, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: child.pid,
    });
    const lock = await acquire();
    expect(JSON.parse(readFileSync(path.join(stateRoot, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    expect(existsSync(tmpDir)).toBe(false);
    expect(readdirSync(path.join(stateRoot, 'tmp'))).toEqual([path.basename(lock.tmpDir)]);
  });

  it('waits for a live holder when asked to, telling onWait who holds it', async () => {
    const child = await startChild('hold-for', '400');
    const waits: number[] = [];
    const result = await acquireProjectLock(stateRoot, {
      wait: true,
      onWait: (holder) => waits.push(holder.pid),
    });
    expect(result.ok).toBe(true);
    if (result.ok) held.push(result.value);
    expect(waits).toEqual([child.pid]);
    expect(await child.exited).toBe(0);
  });

  it('gives up waiting after timeoutMs and returns the holder', async () => {
    const child = await startChild('hold');
    const result = await acquireProjectLock(stateRoot, {wait: true, timeoutMs: 300});
    expect(result).toMatchObject({ok: false, error: {pid: child.pid}});
  });

  it('never takes over the lock of another host', async () => {
    mkdirSync(stateRoot, {recursive: true});
    writeFileSync(path.join(stateRoot, LOCK_FILE), lockContent(deadPid(), 'another-host'));
    const result = await acquireProjectLock(stateRoot, {wait: false});
    expect(result.ok).toBe(false);
  });

  it('takes over an unreadable lock file once it is not brand new', async () => {
    mkdirSync(stateRoot, {recursive: true});
    const file = path.join(stateRoot, LOCK_FILE);
    writeFileSync(file, '{"pid": 12');
    expect((await acquireProjectLock(stateRoot, {wait: false})).ok).toBe(false);
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(file, old, old);
    await acquire();
  });

  it('takes over a takeover claim left by a taker that died mid-way', async () => {
    mkdirSync(stateRoot, {recursive: true});
    const dead = lockContent(deadPid());
    writeFileSync(path.join(stateRoot, LOCK_FILE), dead);
    const claim = `${LOCK_FILE}.takeover-${createHash('sha256').update(dead).digest('hex').slice(0, 16)}`;
    writeFileSync(path.join(stateRoot, claim), lockContent(deadPid()));
    await acquire();
    expect(readdirSync(stateRoot).filter((name) => name.includes('takeover'))).toEqual([]);
  });

  it('removes temp files of dead processes, keeps those of live ones', async () => {
    const stateDir = path.join(stateRoot, 'state');
    mkdirSync(stateDir, {recursive: true});
    const dead = `.stat-cache.json.runner-tmp.${deadPid()}.0badf00d`;
    const live = `.stat-cache.json.runner-tmp.${process.pid}.0badf00d`;
    writeFileSync(path.join(stateDir, dead), 'partial');
    writeFileSync(path.join(stateDir, live), 'in progress');
    writeFileSync(path.join(dir, `.pipeline.lock.runner-tmp.${deadPid()}.12345678`), 'partial');
    writeFileSync(path.join(stateDir, 'stat-cache.json'), '{}');
    await acquire();
    expect(readdirSync(stateDir).sort()).toEqual([live, 'stat-cache.json'].sort());
    expect(readdirSync(dir)).toEqual(['.runner']);
  });

  it('lets exactly one of many interleaved takers win a dead lock', async () => {
    for (let trial = 0; trial < 5; trial++) {
      rmSync(stateRoot, {recursive: true, force: true});
      mkdirSync(stateRoot, {recursive: true});
      writeFileSync(path.join(stateRoot, LOCK_FILE), lockContent(deadPid()));
      // One process: the takers see each other as alive, so only a broken takeover lets two win.
      const results = await Promise.all(
        Array.from({length: 12}, () => acquireProjectLock(stateRoot, {wait: false})),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      for (const winner of winners) if (winner.ok) await winner.value.release();
    }
  });

  it('lets exactly one of several racing processes hold it at a time, also when taking over dead locks', async () => {
    mkdirSync(stateRoot, {recursive: true});
    writeFileSync(path.join(stateRoot, LOCK_FILE), lockContent(deadPid()));
    const log = path.join(dir, 'log.txt');
    writeFileSync(log, '');
    const racers = 5;
    const rounds = 4;
    const startAt = String(Date.now() + 1500);
    const exits = Array.from({length: racers}, () => {
      const child = spawn(
        process.execPath,
        [childScript, stateRoot, 'race', String(rounds), log, startAt],
        {
          stdio: 'inherit',
        },
      );
      children.push(child);
      return new Promise<number | null>((resolve) => child.on('exit', resolve));
    });
    expect(await Promise.all(exits)).toEqual(Array.from({length: racers}, () => 0));
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2 * racers * rounds);
    for (let i = 0; i < lines.length; i += 2) {
      // Every entry is followed by the exit of the same process: no overlap.
      expect(lines[i]!.startsWith('+')).toBe(true);
      expect(lines[i + 1]).toBe(`-${lines[i]!.slice(1)}`);
    }
    // The last holder died with it.
    const last = Number(lines.at(-1)!.slice(1));
    expect(JSON.parse(readFileSync(path.join(stateRoot, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: last,
    });
  }, 60_000);
});

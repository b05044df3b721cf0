import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  type BigIntStats,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {RACY_WINDOW_MS, STAT_CACHE_FILE, StatCache} from './stat-cache.js';

let dir: string;
let stateDir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stat-cache-'));
  stateDir = path.join(dir, '.runner', 'state');
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

/** A whole second, 10 minutes ago, so that utimes can set it exactly. */
const ROUND_TIME = Math.floor(Date.now() / 1000) - 600;
const MD5 = '0123456789abcdef0123456789abcdef';
const bigStat = (file: string): BigIntStats => statSync(file, {bigint: true});

/** A file whose mtime is `ageMs` in the past. */
function fileAged(name: string, content: string, ageMs: number): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  const when = (Date.now() - ageMs) / 1000;
  utimesSync(file, when, when);
  return file;
}

describe('StatCache', () => {
  it('returns the md5 when inode, size, mtime and ctime match and the entry is old enough', async () => {
    const cache = await StatCache.load(stateDir);
    const file = fileAged('a.txt', 'alpha', 60_000);
    cache.set(file, bigStat(file), MD5);
    expect(cache.get(file, bigStat(file))).toBe(MD5);
  });

  it('distrusts an entry recorded within the racy window of the mtime', async () => {
    const cache = await StatCache.load(stateDir);
    const file = fileAged('a.txt', 'alpha', RACY_WINDOW_MS / 2);
    cache.set(file, bigStat(file), MD5);
    expect(cache.get(file, bigStat(file))).toBeUndefined();
  });

  it('distrusts a file whose mtime is in the future', async () => {
    const cache = await StatCache.load(stateDir);
    const file = fileAged('a.txt', 'alpha', -60_000);
    cache.set(file, bigStat(file), MD5);
    expect(cache.get(file, bigStat(file))).toBeUndefined();
  });

  it('trusts a racy entry once it is recorded again after the window', async () => {
    const cache = await StatCache.load(stateDir);
    const file = fileAged('a.txt', 'alpha', RACY_WINDOW_MS / 2);
    cache.set(file, bigStat(file), MD5);
    // Same stat, later recording: simulate the passage of time by ageing the file instead.
    const when = (Date.now() - 60_000) / 1000;
    utimesSync(file, when, when);
    expect(cache.get(file, bigStat(file))).toBeUndefined(); // mtime (and ctime) changed
    cache.set(file, bigStat(file), MD5);
    expect(cache.get(file, bigStat(file))).toBe(MD5);
  });

  it('misses when the content changes but size and mtime are put back (ctime differs)', async () => {
    const cache = await StatCache.load(stateDir);
    const file = fileAged('a.txt', 'alpha', 0);
    utimesSync(file, ROUND_TIME, ROUND_TIME);
    const before = bigStat(file);
    cache.set(file, before, MD5);
    writeFileSync(file, 'ALPHA');
    utimesSync(file, ROUND_TIME, ROUND_TIME);
    const after = bigStat(file);
    expect([after.ino, after.size, after.mtimeNs]).toEqual([
      before.ino,
      before.size,
      before.mtimeNs,
    ]);
    expect(cache.get(file, after)).toBeUndefined();
  });

  it('misses on a different size, inode or path', async () => {
    const cache = await StatCache.load(stateDir);
    const file = fileAged('a.txt', 'alpha', 0);
    utimesSync(file, ROUND_TIME, ROUND_TIME);
    cache.set(file, bigStat(file), MD5);
    const other = fileAged('b.txt', 'alpha', 0);
    utimesSync(other, ROUND_TIME, ROUND_TIME);
    expect(cache.get(other, bigStat(other))).toBeUndefined();
    // A replaced file has a new inode even with the same size and times. Keep the old inode
    // alive under another name so the filesystem cannot reuse it.
    const st = bigStat(file);
    renameSync(file, path.join(dir, 'old.txt'));
    fileAged('a.txt', 'alpha', 0);
    utimesSync(file, ROUND_TIME, ROUND_TIME);
    expect(bigStat(file).mtimeNs).toBe(st.mtimeNs);
    expect(cache.get(file, bigStat(file))).toBeUndefined();
    writeFileSync(file, 'alphabet');
    expect(cache.get(file, bigStat(file))).toBeUndefined();
  });

  it('persists across load and save', async () => {
    const file = fileAged('a.txt', 'alpha', 60_000);
    const first = await StatCache.load(stateDir);
    first.set(file, bigStat(file), MD5);
    await first.save();
    const second = await StatCache.load(stateDir);
    expect(second.get(file, bigStat(file))).toBe(MD5);
  });

  it('does not write when nothing changed', async () => {
    const cache = await StatCache.load(stateDir);
    await cache.save();
    expect(() => statSync(path.join(stateDir, STAT_CACHE_FILE))).toThrow();
    const file = fileAged('a.txt', 'alpha', 60_000);
    cache.set(file, bigStat(file), MD5);
    await cache.save();
    const written = statSync(path.join(stateDir, STAT_CACHE_FILE), {bigint: true});
    // Recording the same trusted entry again is not a change.
    const again = await StatCache.load(stateDir);
    again.set(file, bigStat(file), MD5);
    await again.save();
    const after = statSync(path.join(stateDir, STAT_CACHE_FILE), {bigint: true});
    expect([after.ino, after.mtimeNs]).toEqual([written.ino, written.mtimeNs]);
  });

  it('keeps entries saved by another process meanwhile', async () => {
    const a = fileAged('a.txt', 'alpha', 60_000);
    const b = fileAged('b.txt', 'beta', 60_000);
    const one = await StatCache.load(stateDir);
    const two = await StatCache.load(stateDir);
    one.set(a, bigStat(a), MD5);
    two.set(b, bigStat(b), MD5.replace('0', 'f'));
    await one.save();
    await two.save();
    const merged = await StatCache.load(stateDir);
    expect(merged.get(a, bigStat(a))).toBe(MD5);
    expect(merged.get(b, bigStat(b))).toBe(MD5.replace('0', 'f'));
  });

  it('does not save entries for temp paths, which are never looked up again', async () => {
    const runTmp = path.join(dir, '.runner', 'tmp', 'run-1-abcd');
    mkdirSync(runTmp, {recursive: true});
    const inRunTmp = path.join(runTmp, 'out.txt');
    writeFileSync(inRunTmp, 'x');
    const kept = fileAged('kept.txt', 'kept', 60_000);
    const cache = await StatCache.load(stateDir);
    cache.set(inRunTmp, bigStat(inRunTmp), MD5);
    cache.set(kept, bigStat(kept), MD5);
    await cache.save();
    const reloaded = await StatCache.load(stateDir);
    expect(reloaded.size).toBe(1);
    expect(reloaded.get(kept, bigStat(kept))).toBe(MD5);
  });

  it('forgets a deleted entry on save', async () => {
    const a = fileAged('a.txt', 'alpha', 60_000);
    const one = await StatCache.load(stateDir);
    one.set(a, bigStat(a), MD5);
    await one.save();
    const two = await StatCache.load(stateDir);
    two.delete(a);
    await two.save();
    expect((await StatCache.load(stateDir)).size).toBe(0);
  });

  it.each([
    ['not JSON', '{"schema":1,"entr'],
    ['another schema', '{"schema":1,"entries":{}}'],
    ['null', 'null'],
  ])('starts empty from a file that is %s', async (_name, text) => {
    const file = fileAged('a.txt', 'alpha', 60_000);
    const cache = await StatCache.load(stateDir);
    cache.set(file, bigStat(file), MD5);
    await cache.save();
    writeFileSync(path.join(stateDir, STAT_CACHE_FILE), text);
    const reloaded = await StatCache.load(stateDir);
    expect(reloaded.size).toBe(0);
    expect(reloaded.get(file, bigStat(file))).toBeUndefined();
  });

  it('ignores malformed entries and keeps the others', async () => {
    const file = fileAged('a.txt', 'alpha', 60_000);
    const cache = await StatCache.load(stateDir);
    cache.set(file, bigStat(file), MD5);
    await cache.save();
    const stored = JSON.parse(readFileSync(path.join(stateDir, STAT_CACHE_FILE), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    const other = fileAged('b.txt', 'beta', 60_000);
    const otherStat = bigStat(other);
    const key = `${otherStat.ino} ${otherStat.size} ${otherStat.mtimeNs} ${otherStat.ctimeNs} `;
    stored.entries[other] = `${key}not-an-md5 ${Date.now()}`;
    stored.entries['constructor'] = ['1', 2];
    writeFileSync(path.join(stateDir, STAT_CACHE_FILE), JSON.stringify(stored));
    const reloaded = await StatCache.load(stateDir);
    expect(reloaded.get(file, bigStat(file))).toBe(MD5);
    expect(reloaded.get(other, otherStat)).toBeUndefined();
    expect(reloaded.get('constructor', otherStat)).toBeUndefined();
    expect(reloaded.get('toString', otherStat)).toBeUndefined();
  });
});

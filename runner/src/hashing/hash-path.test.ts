import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ObjectCache} from '../cache/object-cache.js';
import {HashPathError, hashPath} from './hash-path.js';
import {md5BytesRead} from './md5-file.js';
import {StatCache} from './stat-cache.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hash-path-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

function write(rel: string, content: string, ageMs = 60_000): string {
  const file = path.join(dir, ...rel.split('/'));
  mkdirSync(path.dirname(file), {recursive: true});
  writeFileSync(file, content);
  const when = (Date.now() - ageMs) / 1000;
  utimesSync(file, when, when);
  return file;
}

describe('hashPath', () => {
  it('hashes a file', async () => {
    const file = write('a.txt', 'alpha');
    expect(await hashPath(file, StatCache.inMemory())).toEqual({
      md5: md5('alpha'),
      size: 5,
      isDir: false,
    });
  });

  it('returns undefined for a missing path', async () => {
    expect(await hashPath(path.join(dir, 'missing'), StatCache.inMemory())).toBeUndefined();
    expect(
      await hashPath(path.join(dir, 'missing', 'deeper'), StatCache.inMemory()),
    ).toBeUndefined();
  });

  it('hashes a directory as the md5 of its sorted manifest with POSIX relpaths', async () => {
    write('data/b.txt', 'beta');
    write('data/a.txt', 'alpha');
    write('data/sub/c.txt', 'gamma');
    const manifest =
      `[{"md5":"${md5('alpha')}","relpath":"a.txt"},` +
      `{"md5":"${md5('beta')}","relpath":"b.txt"},` +
      `{"md5":"${md5('gamma')}","relpath":"sub/c.txt"}]`;
    expect(await hashPath(path.join(dir, 'data'), StatCache.inMemory())).toEqual({
      md5: `${md5(manifest)}.dir`,
      size: 14,
      nfiles: 3,
      isDir: true,
    });
  });

  it('hashes an empty directory', async () => {
    mkdirSync(path.join(dir, 'empty'));
    expect(await hashPath(path.join(dir, 'empty'), StatCache.inMemory())).toEqual({
      md5: `${md5('[]')}.dir`,
      size: 0,
      nfiles: 0,
      isDir: true,
    });
  });

  it('lists files only: empty subfolders do not change the hash', async () => {
    write('d/a.txt', 'alpha');
    const before = await hashPath(path.join(dir, 'd'), StatCache.inMemory());
    mkdirSync(path.join(dir, 'd', 'nothing-here'));
    expect(await hashPath(path.join(dir, 'd'), StatCache.inMemory())).toEqual(before);
  });

  it('changes when a file moves within the directory', async () => {
    write('d/a.txt', 'alpha');
    const before = await hashPath(path.join(dir, 'd'), StatCache.inMemory());
    rmSync(path.join(dir, 'd', 'a.txt'));
    write('d/b.txt', 'alpha');
    const after = await hashPath(path.join(dir, 'd'), StatCache.inMemory());
    expect(after?.md5).not.toBe(before?.md5);
  });

  it('follows symlinks to files and folders', async () => {
    write('real/a.txt', 'alpha');
    write('other/b.txt', 'beta');
    write('copy/a.txt', 'alpha');
    write('copy/linked/b.txt', 'beta');
    symlinkSync(path.join(dir, 'real', 'a.txt'), path.join(dir, 'viaLink-a.txt'));
    mkdirSync(path.join(dir, 'withLinks'));
    symlinkSync(path.join(dir, 'real', 'a.txt'), path.join(dir, 'withLinks', 'a.txt'));
    symlinkSync(path.join(dir, 'other'), path.join(dir, 'withLinks', 'linked'));
    const cache = StatCache.inMemory();
    expect((await hashPath(path.join(dir, 'viaLink-a.txt'), cache))?.md5).toBe(md5('alpha'));
    expect(await hashPath(path.join(dir, 'withLinks'), cache)).toEqual(
      await hashPath(path.join(dir, 'copy'), cache),
    );
  });

  it('reports a symlink loop instead of recursing forever', async () => {
    write('loop/a.txt', 'alpha');
    symlinkSync(path.join(dir, 'loop'), path.join(dir, 'loop', 'again'));
    await expect(hashPath(path.join(dir, 'loop'), StatCache.inMemory())).rejects.toMatchObject({
      name: 'HashPathError',
      reason: 'symlink-loop',
    });
  });

  it('reports a dangling symlink inside a folder', async () => {
    write('d/a.txt', 'alpha');
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'd', 'broken'));
    const failure = hashPath(path.join(dir, 'd'), StatCache.inMemory());
    await expect(failure).rejects.toBeInstanceOf(HashPathError);
    await expect(failure).rejects.toMatchObject({
      reason: 'dangling-symlink',
      path: path.join(dir, 'd', 'broken'),
    });
  });

  it.skipIf(process.platform === 'win32')(
    'reports a named pipe instead of skipping it',
    async () => {
      write('d/a.txt', 'alpha');
      execFileSync('mkfifo', [path.join(dir, 'd', 'pipe')]);
      await expect(hashPath(path.join(dir, 'd'), StatCache.inMemory())).rejects.toMatchObject({
        reason: 'unsupported-file-type',
      });
    },
  );

  it('does not read files again when the stat cache trusts them', async () => {
    for (let i = 0; i < 20; i++) write(`d/f${i}.txt`, `content ${i}`);
    const big = write('big.bin', 'x'.repeat(100_000));
    const stateDir = path.join(dir, 'state');
    const first = await StatCache.load(stateDir);
    const beforeFirst = md5BytesRead();
    const dirHash = await hashPath(path.join(dir, 'd'), first);
    const fileHash = await hashPath(big, first);
    expect(md5BytesRead() - beforeFirst).toBeGreaterThan(100_000);
    await first.save();

    const second = await StatCache.load(stateDir);
    const beforeSecond = md5BytesRead();
    expect(await hashPath(path.join(dir, 'd'), second)).toEqual(dirHash);
    expect(await hashPath(big, second)).toEqual(fileHash);
    expect(md5BytesRead() - beforeSecond).toBe(0);
  });

  it('reads a file again when it was recorded within the racy window', async () => {
    const file = write('fresh.txt', 'just written', 0);
    const cache = StatCache.inMemory();
    await hashPath(file, cache);
    const before = md5BytesRead();
    await hashPath(file, cache);
    expect(md5BytesRead() - before).toBe('just written'.length);
  });

  it('sees a change even when the stat cache holds the file', async () => {
    const file = write('a.txt', 'alpha');
    const cache = StatCache.inMemory();
    await hashPath(file, cache);
    write('a.txt', 'omega');
    expect((await hashPath(file, cache))?.md5).toBe(md5('omega'));
  });

  it('stores the manifest in the object cache when one is given', async () => {
    write('d/a.txt', 'alpha');
    const objects = new ObjectCache(path.join(dir, 'cache'));
    const hashed = await hashPath(path.join(dir, 'd'), StatCache.inMemory(), objects);
    expect(hashed?.isDir).toBe(true);
    const manifest = await objects.readManifest(hashed!.md5);
    expect(manifest).toEqual({ok: true, value: [{relpath: 'a.txt', md5: md5('alpha')}]});
  });
});

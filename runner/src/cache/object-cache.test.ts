import {createHash} from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {hashPath, type HashedPath} from '../hashing/hash-path.js';
import {md5BytesRead} from '../hashing/md5-file.js';
import {StatCache} from '../hashing/stat-cache.js';
import {CacheSaveError, ObjectCache} from './object-cache.js';

let dir: string;
let work: string;
let objects: ObjectCache;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'object-cache-'));
  work = path.join(dir, 'work');
  mkdirSync(work);
  objects = new ObjectCache(path.join(dir, '.runner', 'cache'));
});
afterEach(() => {
  // Objects are read-only; their folders are not, so rm works.
  rmSync(dir, {recursive: true, force: true});
});

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

function write(rel: string, content: string): string {
  const file = path.join(work, ...rel.split('/'));
  mkdirSync(path.dirname(file), {recursive: true});
  writeFileSync(file, content);
  return file;
}

async function saved(rel: string): Promise<HashedPath> {
  const abs = path.join(work, rel);
  const hashed = (await hashPath(abs, StatCache.inMemory(), objects))!;
  await objects.save(abs, hashed);
  return hashed;
}

/** Every file under `root`, relpath -> content. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string, rel: string): void => {
    for (const entry of readdirSync(at, {withFileTypes: true})) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path.join(at, entry.name), childRel);
      else out[childRel] = readFileSync(path.join(at, entry.name), 'utf8');
    }
  };
  walk(root, '');
  return out;
}

function flipFirstByte(file: string): void {
  chmodSync(file, 0o644);
  const bytes = readFileSync(file);
  bytes[0] = bytes[0]! ^ 0xff;
  writeFileSync(file, bytes);
  chmodSync(file, 0o444);
}

describe('ObjectCache layout', () => {
  it('places objects as files/md5/ab/cdef... and dirs as .dir', () => {
    const cache = new ObjectCache('/c');
    expect(cache.objectPath('0123456789abcdef0123456789abcdef')).toBe(
      path.join('/c', 'files', 'md5', '01', '23456789abcdef0123456789abcdef'),
    );
    expect(cache.objectPath('0123456789abcdef0123456789abcdef.dir')).toBe(
      path.join('/c', 'files', 'md5', '01', '23456789abcdef0123456789abcdef.dir'),
    );
  });

  it('refuses something that is not an md5 (no path tricks)', () => {
    expect(() => new ObjectCache('/c').objectPath('../../etc/passwd')).toThrow('not an md5');
  });
});

describe('ObjectCache.save', () => {
  it('stores a file as a read-only object', async () => {
    write('a.txt', 'alpha');
    const hashed = await saved('a.txt');
    const object = objects.objectPath(hashed.md5);
    expect(readFileSync(object, 'utf8')).toBe('alpha');
    expect(statSync(object).mode & 0o777).toBe(0o444);
    expect(await objects.has(md5('alpha'))).toBe(true);
    expect(await objects.has(md5('beta'))).toBe(false);
  });

  it('is idempotent and does not copy an object twice', async () => {
    write('a.txt', 'alpha');
    const hashed = await saved('a.txt');
    const first = statSync(objects.objectPath(hashed.md5), {bigint: true});
    await objects.save(path.join(work, 'a.txt'), hashed);
    const second = statSync(objects.objectPath(hashed.md5), {bigint: true});
    expect([second.ino, second.mtimeNs]).toEqual([first.ino, first.mtimeNs]);
  });

  it('stores a directory: its files, then its manifest', async () => {
    write('d/a.txt', 'alpha');
    write('d/sub/b.txt', 'beta');
    const hashed = await saved('d');
    expect(await objects.has(hashed.md5)).toBe(true);
    expect(readFileSync(objects.objectPath(md5('beta')), 'utf8')).toBe('beta');
    expect(await objects.readManifest(hashed.md5)).toEqual({
      ok: true,
      value: [
        {relpath: 'a.txt', md5: md5('alpha')},
        {relpath: 'sub/b.txt', md5: md5('beta')},
      ],
    });
  });

  it('stores a directory hashed without the cache (re-hashing it)', async () => {
    write('d/a.txt', 'alpha');
    const abs = path.join(work, 'd');
    const hashed = (await hashPath(abs, StatCache.inMemory()))!;
    await objects.save(abs, hashed);
    expect(await objects.has(hashed.md5)).toBe(true);
  });

  it('refuses a file whose content changed since it was hashed', async () => {
    write('a.txt', 'alpha');
    const abs = path.join(work, 'a.txt');
    const hashed = (await hashPath(abs, StatCache.inMemory()))!;
    write('a.txt', 'omega');
    const failure = objects.save(abs, hashed);
    await expect(failure).rejects.toBeInstanceOf(CacheSaveError);
    await expect(failure).rejects.toThrow(`expected md5 ${md5('alpha')}, read ${md5('omega')}`);
    expect(await objects.has(md5('alpha'))).toBe(false);
    expect(await objects.has(md5('omega'))).toBe(false);
  });

  it('reports a directory as absent when one of its files is missing', async () => {
    write('d/a.txt', 'alpha');
    write('d/b.txt', 'beta');
    const hashed = await saved('d');
    rmSync(objects.objectPath(md5('beta')));
    expect(await objects.has(hashed.md5)).toBe(false);
  });

  it('leaves no temp file behind', async () => {
    write('d/a.txt', 'alpha');
    await saved('d');
    expect(readdirSync(objects.tmpDir)).toEqual([]);
  });
});

describe('ObjectCache.restore', () => {
  it('restores a deleted file, writable, not linked to the object', async () => {
    write('a.txt', 'alpha');
    const hashed = await saved('a.txt');
    rmSync(path.join(work, 'a.txt'));
    const statCache = StatCache.inMemory();
    expect(await objects.restore(path.join(work, 'a.txt'), hashed, statCache)).toEqual({
      ok: true,
      value: undefined,
    });
    const restored = statSync(path.join(work, 'a.txt'));
    const object = statSync(objects.objectPath(hashed.md5));
    expect(readFileSync(path.join(work, 'a.txt'), 'utf8')).toBe('alpha');
    expect(restored.ino).not.toBe(object.ino);
    expect(object.nlink).toBe(1);
    expect(restored.mode & 0o200).toBe(0o200);
    // An edit of the restored file cannot reach the cache.
    writeFileSync(path.join(work, 'a.txt'), 'edited');
    expect(readFileSync(objects.objectPath(hashed.md5), 'utf8')).toBe('alpha');
  });

  it('records restored files in the stat cache, so the next status does not read them', async () => {
    write('a.txt', 'alpha');
    write('d/x.txt', 'x'.repeat(1000));
    write('d/y/z.txt', 'zzz');
    const file = await saved('a.txt');
    const folder = await saved('d');
    rmSync(path.join(work, 'a.txt'));
    rmSync(path.join(work, 'd'), {recursive: true});
    const statCache = StatCache.inMemory();
    await objects.restore(path.join(work, 'a.txt'), file, statCache);
    await objects.restore(path.join(work, 'd'), folder, statCache);
    const before = md5BytesRead();
    expect(await hashPath(path.join(work, 'a.txt'), statCache)).toEqual(file);
    expect(await hashPath(path.join(work, 'd'), statCache)).toEqual(folder);
    expect(md5BytesRead() - before).toBe(0);
  });

  it('replaces a modified file and creates missing parent folders', async () => {
    write('a.txt', 'alpha');
    const hashed = await saved('a.txt');
    write('a.txt', 'modified');
    const statCache = StatCache.inMemory();
    await objects.restore(path.join(work, 'a.txt'), hashed, statCache);
    await objects.restore(path.join(work, 'new', 'deep', 'a.txt'), hashed, statCache);
    expect(readFileSync(path.join(work, 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(path.join(work, 'new', 'deep', 'a.txt'), 'utf8')).toBe('alpha');
  });

  it('restores a directory exactly: missing files back, extra files gone', async () => {
    write('d/a.txt', 'alpha');
    write('d/sub/b.txt', 'beta');
    const hashed = await saved('d');
    rmSync(path.join(work, 'd', 'sub'), {recursive: true});
    write('d/extra.txt', 'not in the manifest');
    write('d/a.txt', 'changed');
    const result = await objects.restore(path.join(work, 'd'), hashed, StatCache.inMemory());
    expect(result.ok).toBe(true);
    expect(tree(path.join(work, 'd'))).toEqual({'a.txt': 'alpha', 'sub/b.txt': 'beta'});
    expect(readdirSync(work)).toEqual(['d']);
  });

  it('restores an empty directory', async () => {
    mkdirSync(path.join(work, 'empty'));
    const hashed = await saved('empty');
    rmSync(path.join(work, 'empty'), {recursive: true});
    expect((await objects.restore(path.join(work, 'empty'), hashed, StatCache.inMemory())).ok).toBe(
      true,
    );
    expect(readdirSync(path.join(work, 'empty'))).toEqual([]);
  });

  it('replaces a file by a directory and a directory by a file', async () => {
    write('d/a.txt', 'alpha');
    write('f', 'file content');
    const folder = await saved('d');
    const file = await saved('f');
    const statCache = StatCache.inMemory();
    await objects.restore(path.join(work, 'f'), folder, statCache);
    await objects.restore(path.join(work, 'd'), file, statCache);
    expect(tree(path.join(work, 'f'))).toEqual({'a.txt': 'alpha'});
    expect(readFileSync(path.join(work, 'd'), 'utf8')).toBe('file content');
    expect(readdirSync(work).sort()).toEqual(['d', 'f']);
  });

  it('reports a missing object and leaves the workspace alone', async () => {
    write('a.txt', 'current');
    const result = await objects.restore(
      path.join(work, 'a.txt'),
      {md5: md5('never stored'), isDir: false},
      StatCache.inMemory(),
    );
    expect(result).toEqual({
      ok: false,
      error: {reason: 'missing-object', md5: md5('never stored')},
    });
    expect(readFileSync(path.join(work, 'a.txt'), 'utf8')).toBe('current');
  });

  it('reports a directory with a missing file object before touching anything', async () => {
    write('d/a.txt', 'alpha');
    write('d/b.txt', 'beta');
    const hashed = await saved('d');
    rmSync(objects.objectPath(md5('beta')));
    write('d/a.txt', 'workspace version');
    const result = await objects.restore(path.join(work, 'd'), hashed, StatCache.inMemory());
    expect(result).toEqual({ok: false, error: {reason: 'missing-object', md5: md5('beta')}});
    expect(tree(path.join(work, 'd'))).toEqual({'a.txt': 'workspace version', 'b.txt': 'beta'});
  });

  it('detects a corrupt file object, deletes it and leaves the workspace file as it was', async () => {
    write('a.txt', 'alpha');
    const hashed = await saved('a.txt');
    write('a.txt', 'workspace version');
    const before = statSync(path.join(work, 'a.txt'), {bigint: true});
    const object = objects.objectPath(hashed.md5);
    flipFirstByte(object);
    const corrupt = readFileSync(object);
    const result = await objects.restore(path.join(work, 'a.txt'), hashed, StatCache.inMemory());
    expect(result).toEqual({
      ok: false,
      error: {
        reason: 'corrupt-object',
        md5: hashed.md5,
        actual: createHash('md5').update(corrupt).digest('hex'),
      },
    });
    const after = statSync(path.join(work, 'a.txt'), {bigint: true});
    expect(readFileSync(path.join(work, 'a.txt'), 'utf8')).toBe('workspace version');
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs]);
    expect(existsSync(object)).toBe(false);
    expect(await objects.has(hashed.md5)).toBe(false);
    expect(readdirSync(work)).toEqual(['a.txt']);
  });

  it('detects a corrupt file inside a directory and leaves the workspace folder as it was', async () => {
    write('d/a.txt', 'alpha');
    write('d/b.txt', 'beta');
    const hashed = await saved('d');
    write('d/b.txt', 'workspace b');
    flipFirstByte(objects.objectPath(md5('beta')));
    const result = await objects.restore(path.join(work, 'd'), hashed, StatCache.inMemory());
    expect(result).toMatchObject({ok: false, error: {reason: 'corrupt-object', md5: md5('beta')}});
    expect(tree(path.join(work, 'd'))).toEqual({'a.txt': 'alpha', 'b.txt': 'workspace b'});
    expect(readdirSync(work)).toEqual(['d']);
    expect(existsSync(objects.objectPath(md5('beta')))).toBe(false);
  });

  it('detects a corrupt manifest', async () => {
    write('d/a.txt', 'alpha');
    const hashed = await saved('d');
    flipFirstByte(objects.objectPath(hashed.md5));
    const result = await objects.restore(path.join(work, 'd'), hashed, StatCache.inMemory());
    expect(result).toMatchObject({ok: false, error: {reason: 'corrupt-object', md5: hashed.md5}});
    expect(tree(path.join(work, 'd'))).toEqual({'a.txt': 'alpha'});
  });
});

describe('ObjectCache.importFile', () => {
  it('moves a verified download into the cache', async () => {
    mkdirSync(objects.tmpDir, {recursive: true});
    const temp = path.join(objects.tmpDir, 'download');
    writeFileSync(temp, 'alpha');
    expect(await objects.importFile(temp, md5('alpha'))).toEqual({ok: true, value: undefined});
    expect(readFileSync(objects.objectPath(md5('alpha')), 'utf8')).toBe('alpha');
    expect(existsSync(temp)).toBe(false);
  });

  it('rejects a download whose bytes do not match, and removes it', async () => {
    mkdirSync(objects.tmpDir, {recursive: true});
    const temp = path.join(objects.tmpDir, 'download');
    writeFileSync(temp, 'truncated');
    expect(await objects.importFile(temp, md5('alpha'))).toEqual({
      ok: false,
      error: {reason: 'corrupt-object', md5: md5('alpha'), actual: md5('truncated')},
    });
    expect(await objects.has(md5('alpha'))).toBe(false);
    expect(existsSync(temp)).toBe(false);
  });
});

describe('ObjectCache.restore after a killed restore', () => {
  it('removes the temp files a dead process left beside the target', async () => {
    write('a.txt', 'alpha');
    const hashed = await saved('a.txt');
    const leftover = path.join(work, '.a.txt.runner-tmp.999999999.0badf00d');
    const aside = path.join(work, '.d.runner-old.999999999.0badf00d');
    writeFileSync(leftover, 'half a file');
    mkdirSync(aside);
    expect((await objects.restore(path.join(work, 'a.txt'), hashed, StatCache.inMemory())).ok).toBe(
      true,
    );
    expect(readdirSync(work)).toEqual(['a.txt']);
  });
});

describe('ObjectCache with files above the small-file size (streamed copies)', () => {
  it('saves, restores and verifies a large file', async () => {
    const big = Buffer.alloc(3 * 256 * 1024 + 17, 7);
    big.write('header', 0);
    const file = path.join(work, 'big.bin');
    writeFileSync(file, big);
    const hashed = (await hashPath(file, StatCache.inMemory()))!;
    await objects.save(file, hashed);
    expect(readFileSync(objects.objectPath(hashed.md5)).equals(big)).toBe(true);
    rmSync(file);
    expect((await objects.restore(file, hashed, StatCache.inMemory())).ok).toBe(true);
    expect(readFileSync(file).equals(big)).toBe(true);
    expect(statSync(file).mode & 0o200).toBe(0o200);

    flipFirstByte(objects.objectPath(hashed.md5));
    writeFileSync(file, 'workspace');
    const result = await objects.restore(file, hashed, StatCache.inMemory());
    expect(result).toMatchObject({ok: false, error: {reason: 'corrupt-object', md5: hashed.md5}});
    expect(readFileSync(file, 'utf8')).toBe('workspace');
  });
});

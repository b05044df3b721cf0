import {execFileSync} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
  MD5_CHUNK_BYTES,
  md5BytesRead,
  md5File,
  md5SmallFileSync,
  SMALL_FILE_BYTES,
} from './md5-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'md5-file-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const hasMd5sum = ((): boolean => {
  try {
    execFileSync('md5sum', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

const md5Of = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

describe('md5File', () => {
  it('hashes an empty file', async () => {
    const file = path.join(dir, 'empty');
    writeFileSync(file, '');
    expect(await md5File(file)).toEqual({md5: 'd41d8cd98f00b204e9800998ecf8427e', size: 0});
  });

  it('hashes a small file', async () => {
    const file = path.join(dir, 'small.txt');
    writeFileSync(file, 'hello\n');
    expect(await md5File(file)).toEqual({md5: 'b1946ac92492d2347c6235b4d2611184', size: 6});
  });

  it.each([
    ['exactly one chunk', MD5_CHUNK_BYTES],
    ['several chunks and a tail', 2 * MD5_CHUNK_BYTES + 12_345],
  ])('hashes a file of %s like a one-shot hash', async (_name, size) => {
    const bytes = randomBytes(size);
    const file = path.join(dir, 'big.bin');
    writeFileSync(file, bytes);
    const before = md5BytesRead();
    expect(await md5File(file)).toEqual({md5: md5Of(bytes), size});
    expect(md5BytesRead() - before).toBe(size);
  });

  it.skipIf(!hasMd5sum)('agrees with md5sum', async () => {
    const file = path.join(dir, 'random.bin');
    writeFileSync(file, randomBytes(MD5_CHUNK_BYTES + 7));
    const expected = execFileSync('md5sum', [file], {encoding: 'utf8'}).split(' ')[0];
    expect((await md5File(file)).md5).toBe(expected);
  });

  it('rejects a missing file', async () => {
    await expect(md5File(path.join(dir, 'nope'))).rejects.toMatchObject({code: 'ENOENT'});
  });
});

describe('md5SmallFileSync', () => {
  it('agrees with md5File and counts the bytes it reads', async () => {
    const file = path.join(dir, 'small.bin');
    const bytes = randomBytes(SMALL_FILE_BYTES);
    writeFileSync(file, bytes);
    const before = md5BytesRead();
    expect(md5SmallFileSync(file)).toEqual(await md5File(file));
    expect(md5BytesRead() - before).toBe(2 * SMALL_FILE_BYTES);
  });
});

import {describe, expect, test} from 'vitest';
import {normaliseProjectPath, normaliseWdir} from './paths.js';

const root = '/project';
const norm = (raw: string, wdir = '') => normaliseProjectPath(raw, wdir, root, 'Path');

describe('path normalisation', () => {
  test('makes paths POSIX, root-relative, without ./ or trailing /', () => {
    expect(norm('./data/raw/')).toEqual({ok: true, path: 'data/raw'});
    expect(norm('data//raw/./x.csv')).toEqual({ok: true, path: 'data/raw/x.csv'});
    expect(norm('data/tmp/../x.csv')).toEqual({ok: true, path: 'data/x.csv'});
  });

  test('resolves relative to wdir', () => {
    expect(norm('x.csv', 'sub/dir')).toEqual({ok: true, path: 'sub/dir/x.csv'});
    expect(norm('../x.csv', 'sub')).toEqual({ok: true, path: 'x.csv'});
  });

  test('accepts absolute paths inside the root', () => {
    expect(norm('/project/data/x.csv')).toEqual({ok: true, path: 'data/x.csv'});
  });

  test('rejects paths that escape the root', () => {
    expect(norm('../x.csv')).toMatchObject({ok: false, reason: 'path-escapes-root'});
    expect(norm('../../x.csv', 'sub')).toMatchObject({ok: false, reason: 'path-escapes-root'});
    expect(norm('/etc/passwd')).toMatchObject({ok: false, reason: 'path-escapes-root'});
    expect(norm('/projectx/a')).toMatchObject({ok: false, reason: 'path-escapes-root'});
  });

  test('rejects empty paths and the root itself', () => {
    expect(norm('')).toMatchObject({ok: false, reason: 'invalid-path'});
    expect(norm('.')).toMatchObject({ok: false, reason: 'invalid-path'});
    expect(norm('data/..')).toMatchObject({ok: false, reason: 'invalid-path'});
  });

  test('wdir', () => {
    expect(normaliseWdir('.', root)).toBe('');
    expect(normaliseWdir('./src/', root)).toBe('src');
    expect(normaliseWdir('/project/src', root)).toBe('src');
    expect(normaliseWdir('..', root)).toBeUndefined();
    expect(normaliseWdir('/elsewhere', root)).toBeUndefined();
  });
});

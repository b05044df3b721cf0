import {describe, expect, it} from 'vitest';
import {canonicalJson} from './canonical-json.js';
import {manifestHash, manifestText, parseManifest} from './dir-manifest.js';

const A = '0123456789abcdef0123456789abcdef';
const B = 'fedcba9876543210fedcba9876543210';

describe('directory manifests', () => {
  it('are the canonical JSON of the entries sorted by relpath', () => {
    const entries = [
      {relpath: 'b/é "quoted".txt', md5: B},
      {relpath: 'B.txt', md5: A},
      {relpath: 'a.txt', md5: A},
    ];
    const sorted = [entries[1]!, entries[2]!, entries[0]!];
    expect(manifestText(entries)).toBe(canonicalJson(sorted));
    expect(manifestText([])).toBe('[]');
    expect(manifestHash('[]')).toBe('d751713988987e9331980363e24189ce.dir');
  });

  it('parse back, and refuse entries that could escape the folder or are not md5s', () => {
    const text = manifestText([{relpath: 'x/y.txt', md5: A}]);
    expect(parseManifest(text)).toEqual([{relpath: 'x/y.txt', md5: A}]);
    for (const relpath of ['../x', '/abs', 'a//b', 'a/./b', 'a\\b', '']) {
      expect(parseManifest(JSON.stringify([{relpath, md5: A}]))).toBeUndefined();
    }
    expect(parseManifest(JSON.stringify([{relpath: 'a', md5: '../../etc'}]))).toBeUndefined();
    expect(parseManifest('{"not": "a list"}')).toBeUndefined();
    expect(parseManifest('[{')).toBeUndefined();
  });
});

import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {RunCache, type RunRecord} from './run-cache.js';

let dir: string;
let runs: RunCache;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'run-cache-'));
  runs = new RunCache(path.join(dir, 'cache'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const FP = 'ab'.repeat(32);
const record: RunRecord = {
  schema: 1,
  fingerprint: FP,
  stage: 'train',
  outs: [
    {path: 'models/model.json', md5: '0123456789abcdef0123456789abcdef', size: 10},
    {path: 'data/processed', md5: 'fedcba9876543210fedcba9876543210.dir', size: 30, nfiles: 2},
  ],
  createdAt: '2026-11-28T10:00:00.000Z',
};

describe('RunCache', () => {
  it('stores a record as runs/<fingerprint>.json and reads it back', async () => {
    await runs.put(record);
    expect(readdirSync(path.join(dir, 'cache', 'runs'))).toEqual([`${FP}.json`]);
    expect(await runs.get(FP)).toEqual(record);
  });

  it('misses an unknown fingerprint', async () => {
    expect(await runs.get('cd'.repeat(32))).toBeUndefined();
  });

  it('overwrites a record atomically', async () => {
    await runs.put(record);
    await runs.put({...record, stage: 'train@2'});
    expect((await runs.get(FP))?.stage).toBe('train@2');
    expect(readdirSync(path.join(dir, 'cache', 'runs'))).toEqual([`${FP}.json`]);
  });

  it.each([
    ['truncated JSON', '{"schema":1,"fingerp'],
    ['another schema', JSON.stringify({...record, schema: 2})],
    ['another fingerprint inside', JSON.stringify({...record, fingerprint: 'cd'.repeat(32)})],
    ['an out without md5', JSON.stringify({...record, outs: [{path: 'x', size: 1}]})],
    ['an empty file', ''],
  ])('reads a corrupt record (%s) as a miss', async (_name, text) => {
    await runs.put(record);
    writeFileSync(runs.recordPath(FP), text);
    expect(await runs.get(FP)).toBeUndefined();
  });

  it('refuses a fingerprint that is not 64 hex digits', () => {
    expect(() => runs.recordPath('../../x')).toThrow('not a fingerprint');
  });
});

import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Ajv} from 'ajv';
import {parse} from 'yaml';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runnerPackage} from '../config/package-root.js';
import {
  parseLock,
  readLock,
  serializeLock,
  writeLock,
  type LockFile,
  type LockStage,
} from './lock-file.js';
import {generateLockSchemaJson, LOCK_SCHEMA_FILE, lockSchema} from './lock-schema.js';

const FP1 = 'a'.repeat(64);
const FP2 = 'b'.repeat(64);
const M1 = '0123456789abcdef0123456789abcdef';
const M2 = 'fedcba9876543210fedcba9876543210';

const train: LockStage = {
  kind: {plugin: 'train', version: '1.2.0', codeHash: 'c0de'},
  params: {'params.yaml': {'train.seed': 0, 'train.k': 3}},
  with: {url: 'sample:', nested: {z: 1, a: [2, 1]}},
  deps: [
    {path: 'data/interim/clean.parquet', md5: M2, size: 2048},
    {path: 'data/features/customers.parquet', md5: M1, size: 1024},
  ],
  outs: [
    {path: 'models/model.json', md5: M1, size: 10},
    {path: 'data/processed', md5: `${M2}.dir`, size: 300, nfiles: 3},
  ],
  fingerprint: FP1,
};
const prepare: LockStage = {
  kind: {cmd: ['python prepare.py --in "raw data"', 'echo done: yes']},
  params: {},
  deps: [],
  outs: [{path: 'data/interim/clean.parquet', md5: M2, size: 2048}],
  fingerprint: FP2,
};
const lock: LockFile = {schema: 1, stages: {train, prepare}};

const GOLDEN = `schema: 1
stages:
  prepare:
    kind:
      cmd:
        - python prepare.py --in "raw data"
        - "echo done: yes"
    outs:
      - path: data/interim/clean.parquet
        md5: fedcba9876543210fedcba9876543210
        size: 2048
    fingerprint: ${FP2}
  train:
    kind:
      plugin: train
      version: 1.2.0
      codeHash: c0de
    params:
      params.yaml:
        train.k: 3
        train.seed: 0
    with:
      nested:
        a:
          - 2
          - 1
        z: 1
      url: "sample:"
    deps:
      - path: data/features/customers.parquet
        md5: 0123456789abcdef0123456789abcdef
        size: 1024
      - path: data/interim/clean.parquet
        md5: fedcba9876543210fedcba9876543210
        size: 2048
    outs:
      - path: data/processed
        md5: fedcba9876543210fedcba9876543210.dir
        size: 300
        nfiles: 3
      - path: models/model.json
        md5: 0123456789abcdef0123456789abcdef
        size: 10
    fingerprint: ${FP1}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lock-file-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

describe('serializeLock', () => {
  it('writes the exact expected YAML', () => {
    expect(serializeLock(lock)).toBe(GOLDEN);
  });

  it('gives the same bytes whatever the insertion order', () => {
    const shuffled: LockFile = {
      schema: 1,
      stages: {
        prepare: {...prepare},
        train: {
          fingerprint: FP1,
          outs: [...train.outs].reverse(),
          deps: [...train.deps].reverse(),
          with: {nested: {a: [2, 1], z: 1}, url: 'sample:'},
          params: {'params.yaml': {'train.k': 3, 'train.seed': 0}},
          kind: {codeHash: 'c0de', version: '1.2.0', plugin: 'train'} as LockStage['kind'],
        },
      },
    };
    expect(serializeLock(shuffled)).toBe(GOLDEN);
  });

  it('writes an empty lock as just the schema', () => {
    expect(serializeLock({schema: 1, stages: {}})).toBe('schema: 1\n');
  });

  it('quotes strings that YAML would read as something else', () => {
    const text = serializeLock({
      schema: 1,
      stages: {s: {...prepare, with: {a: 'true', b: '0123', c: '1e5', d: 'null', e: ''}}},
    });
    expect(parse(text).stages.s.with).toEqual({a: 'true', b: '0123', c: '1e5', d: 'null', e: ''});
  });

  it('produces locks that satisfy schemas/lock.schema.json', () => {
    const validate = new Ajv({strict: true, allErrors: true}).compile(lockSchema);
    for (const value of [lock, {schema: 1, stages: {}}]) {
      const parsed: unknown = parse(serializeLock(value as LockFile));
      expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({schema: 1, stages: {x: {kind: {cmd: []}, fingerprint: 'nope'}}})).toBe(false);
  });
});

describe('parseLock', () => {
  it('reads back what serializeLock wrote', () => {
    const result = parseLock(GOLDEN, 'pipeline.lock');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(serializeLock(result.value)).toBe(GOLDEN);
    expect(result.value.stages['prepare']).toEqual({
      kind: prepare.kind,
      deps: [],
      outs: prepare.outs,
      fingerprint: FP2,
    });
  });

  it('points at the line and column of a bad value', () => {
    const bad = GOLDEN.replace(
      'md5: 0123456789abcdef0123456789abcdef\n        size: 1024',
      'md5: 12345\n        size: 1024',
    );
    const result = parseLock(bad, 'pipeline.lock');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const line = bad.split('\n').findIndex((l) => l.includes('md5: 12345')) + 1;
    expect(result.error).toContain(
      `pipeline.lock:${line}:14: expected \`md5\`: 32 lowercase hex digits, with \`.dir\` for a folder`,
    );
  });

  it('reports every problem at once, with a way out', () => {
    const bad = GOLDEN.replace('schema: 1', 'schema: 7').replace(
      `fingerprint: ${FP2}`,
      'fingerprint: short\n    extra: 1',
    );
    const result = parseLock(bad, 'pipeline.lock');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.split('\n')).toEqual([
      'pipeline.lock:1:9: unsupported schema 7: this runner reads schema 1',
      'pipeline.lock:13:5: unknown key `extra` (expected one of: kind, params, with, deps, outs, fingerprint)',
      'pipeline.lock:12:18: expected `fingerprint`: 64 lowercase hex digits',
      'pipeline.lock: the lock is written by the runner; restore it from git (git checkout -- pipeline.lock) or delete it to run every stage again',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const result = parseLock('schema: 1\nstages: {a: [\n', 'pipeline.lock');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^pipeline\.lock:\d+:\d+: /);
  });

  it('reports duplicate keys (a bad merge)', () => {
    const result = parseLock(
      `schema: 1\nstages:\n  a:\n    kind: {cmd: []}\n    fingerprint: ${FP1}\n  a:\n    kind: {cmd: []}\n    fingerprint: ${FP2}\n`,
      'pipeline.lock',
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^pipeline\.lock:6:3: .*unique/i);
  });
});

describe('readLock and writeLock', () => {
  it('reads an absent lock as undefined', async () => {
    expect(await readLock(path.join(dir, 'pipeline.lock'))).toEqual({ok: true, value: undefined});
  });

  it('writes atomically and reads back', async () => {
    const file = path.join(dir, 'pipeline.lock');
    await writeLock(file, lock);
    expect(readFileSync(file, 'utf8')).toBe(GOLDEN);
    const read = await readLock(file);
    expect(read.ok && serializeLock(read.value!)).toBe(GOLDEN);
  });

  it('does not touch the file when the bytes are unchanged', async () => {
    const file = path.join(dir, 'pipeline.lock');
    await writeLock(file, lock);
    const before = statSync(file, {bigint: true});
    await writeLock(file, {schema: 1, stages: {prepare, train}});
    const after = statSync(file, {bigint: true});
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs]);
    await writeLock(file, {schema: 1, stages: {prepare}});
    expect(statSync(file, {bigint: true}).ino).not.toBe(before.ino);
  });

  it('reports a malformed file with its name', async () => {
    const file = path.join(dir, 'pipeline.lock');
    writeFileSync(file, 'schema: 1\nstages: [1]\n');
    const result = await readLock(file);
    expect(result).toEqual({
      ok: false,
      error: expect.stringContaining(`${file}:2:9: expected \`stages\` to be a mapping`) as unknown,
    });
  });
});

describe('schemas/lock.schema.json', () => {
  // If this fails, run: npm run build && node dist/runner/src/lock/lock-schema.js
  it('is up to date with lock-schema.ts', () => {
    const committed = readFileSync(path.join(runnerPackage().root, LOCK_SCHEMA_FILE), 'utf8');
    expect(committed).toBe(generateLockSchemaJson());
  });
});

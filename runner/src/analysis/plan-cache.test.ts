import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {analyzePipelineIn} from './analyze.js';
import {analyzePipelineCached, cacheHeader, planCacheFile, readCachedPlan} from './plan-cache.js';
import type {PipelinePlan} from './plan.js';
import {runnerPackage} from '../config/package-root.js';

const PIPELINE = `vars:
  - config/vars.yaml
stages:
  prepare:
    cmd: python prepare.py \${data.source} --size \${size}
    deps: [data/input.csv]
    outs: [data/prepared/]
    params: [train.k]
  fit:
    uses: ./plugins/fit
    with:
      k: \${train.k}
      tags: [a, b]
      ratio: .inf
    deps: [data/prepared/part.csv]
    outs: [models/model.json]
  publish:
    uses: publisher
    deps: [models/model.json]
    outs: [reports/published.json]
`;

const plugin = (version: string, name: string) => `export default {
  name: '${name}',
  version: '${version}',
  description: 'A test plugin.',
  params: {type: 'object', properties: {k: {type: 'number'}, tags: {type: 'array'}, ratio: {type: 'number'}, mode: {type: 'string', default: 'fast'}}},
  run() {},
};
`;

let outer: string;
let root: string;
const file = () => path.join(root, 'pipeline.yaml');
const long = new Date(Date.now() - 60_000);

function write(relative: string, text: string): void {
  const target = path.join(root, relative);
  mkdirSync(path.dirname(target), {recursive: true});
  writeFileSync(target, text);
}

async function analyseFresh(set: string[] = []): Promise<PipelinePlan> {
  const pkg = runnerPackage();
  const result = await analyzePipelineIn(
    {file: file(), set},
    {plugins: {builtinDir: path.join(pkg.root, 'dist', 'plugins'), runnerVersion: pkg.version}},
  );
  if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
  return result.value;
}

async function analyseCached(set: string[] = []): Promise<PipelinePlan> {
  const result = await analyzePipelineCached({file: file(), set});
  if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
  return result.value;
}

function cached(set: string[] = []): PipelinePlan | undefined {
  return readCachedPlan(planCacheFile(file()), cacheHeader(file(), {file: file(), set}))?.plan;
}

beforeEach(() => {
  outer = mkdtempSync(path.join(tmpdir(), 'runner-plan-cache-'));
  root = path.join(outer, 'project');
  write('pipeline.yaml', PIPELINE);
  write('params.yaml', 'train: {k: 3}\nsize: 10\n');
  write('config/vars.yaml', 'data: {source: shop}\n');
  write('data/input.csv', 'a,b\n');
  write('plugins/fit/index.js', plugin('1.0.0', 'fit'));
  // A package found in the parent folder's node_modules (npm resolves upwards).
  mkdirSync(path.join(outer, 'node_modules', 'publisher'), {recursive: true});
  writeFileSync(
    path.join(outer, 'node_modules', 'publisher', 'package.json'),
    '{"name": "publisher", "main": "index.js"}',
  );
  writeFileSync(
    path.join(outer, 'node_modules', 'publisher', 'index.js'),
    plugin('2.0.0', 'publisher'),
  );
  // Old mtimes, so the plugin's stat stamp is trusted (recent files are always re-hashed).
  for (const f of [
    'plugins/fit/index.js',
    '../node_modules/publisher/index.js',
    '../node_modules/publisher/package.json',
  ]) {
    utimesSync(path.join(root, f), long, long);
  }
});

afterEach(() => {
  rmSync(outer, {recursive: true, force: true});
});

describe('plan cache', () => {
  test('a hit returns a plan deep-equal to a fresh analysis', async () => {
    expect(cached()).toBeUndefined();
    const first = await analyseCached();
    const hit = cached();
    expect(hit).toBeDefined();
    expect(hit).toStrictEqual(await analyseFresh());
    expect(hit).toStrictEqual(first);
    // Values with no JSON form survive, and the plan is frozen like a fresh one.
    const fit = hit!.stages.get('fit')!;
    expect(fit.command.type === 'plugin' && fit.command.with['ratio']).toBe(Infinity);
    expect(fit.desc).toBeUndefined();
    expect(Object.hasOwn(fit, 'desc')).toBe(true);
    expect(Object.isFrozen(fit.deps)).toBe(true);
    expect(hit!.order).toEqual(['prepare', 'fit', 'publish']);
  });

  test.each([
    ['editing the pipeline file', () => write('pipeline.yaml', `${PIPELINE}\n# comment\n`)],
    ['editing a params file', () => write('params.yaml', 'train: {k: 4}\nsize: 10\n')],
    ['editing a vars file', () => write('config/vars.yaml', 'data: {source: web}\n')],
    ['editing a local plugin', () => write('plugins/fit/index.js', plugin('1.0.1', 'fit'))],
    ['adding a file to a plugin folder', () => write('plugins/fit/helper.js', 'export {};\n')],
    [
      'editing a package plugin',
      () =>
        writeFileSync(
          path.join(outer, 'node_modules', 'publisher', 'index.js'),
          plugin('2.0.1', 'publisher'),
        ),
    ],
    ['deleting a dep that nothing produces', () => rmSync(path.join(root, 'data/input.csv'))],
    [
      'creating a path that plugin resolution found missing',
      () => {
        write('node_modules/publisher/package.json', '{"name": "publisher"}');
        write('node_modules/publisher/index.js', plugin('3.0.0', 'publisher'));
      },
    ],
  ])('%s invalidates', async (_what, edit) => {
    await analyseCached();
    expect(cached()).toBeDefined();
    edit();
    expect(cached()).toBeUndefined();
  });

  test('a same-size plugin edit is caught (stamp differs, re-hash differs)', async () => {
    await analyseCached();
    const target = path.join(root, 'plugins/fit/index.js');
    const before = statSync(target);
    writeFileSync(target, plugin('1.0.9', 'fit'));
    // Same size; an mtime that differs from the recorded one forces a re-hash.
    utimesSync(target, before.atime, new Date(before.mtimeMs - 5000));
    expect(statSync(target).size).toBe(before.size);
    expect(cached()).toBeUndefined();
  });

  test('touching a plugin without changing it keeps the cache (re-hashed, same code)', async () => {
    await analyseCached();
    const target = path.join(root, 'plugins/fit/index.js');
    utimesSync(target, new Date(), new Date());
    expect(cached()).toBeDefined();
  });

  test('a plugin re-hashed on a hit gets a fresh stamp, so the next hit need not hash', async () => {
    const target = path.join(root, 'plugins/fit/index.js');
    utimesSync(target, new Date(), new Date());
    await analyseCached(); // Recent mtime: no stamp is trusted yet.
    const read = () => readCachedPlan(planCacheFile(file()), cacheHeader(file(), {file: file()}));
    const codeStamp = () => read()!.inputs.find((i) => i.kind === 'code' && i.path.endsWith('fit'));
    expect(codeStamp()).toMatchObject({stamp: null});
    utimesSync(target, long, long);
    expect(read()!.restamped).toBe(true);
    await analyseCached(); // A hit that stores the refreshed stamp.
    expect(read()!.restamped).toBe(false);
    expect(codeStamp()).toMatchObject({stamp: expect.stringMatching(/^[0-9a-f]{32}$/)});
  });

  test('--set values are part of the key', async () => {
    const plain = await analyseCached();
    expect(cached(['train.k=5'])).toBeUndefined();
    const overridden = await analyseCached(['train.k=5']);
    const tracked = overridden.stages.get('prepare')!.params.find((p) => p.key === 'train.k');
    expect(tracked?.value).toBe(5);
    expect(cached(['train.k=5'])).toStrictEqual(overridden);
    expect(cached()).toBeUndefined();
    expect(await analyseCached()).toStrictEqual(plain);
  });

  test('a corrupt cache file is ignored and replaced', async () => {
    await analyseCached();
    const cacheFile = planCacheFile(file());
    writeFileSync(cacheFile, '{"header": ');
    expect(cached()).toBeUndefined();
    expect(await analyseCached()).toStrictEqual(await analyseFresh());
    expect(JSON.parse(readFileSync(cacheFile, 'utf8'))).toHaveProperty('plan');
    writeFileSync(
      cacheFile,
      readFileSync(cacheFile, 'utf8').replace('"stages":{"$":"m"', '"stages":{"$":"x"'),
    );
    expect(cached()).toBeUndefined();
  });

  test('a failing analysis writes nothing', async () => {
    write('pipeline.yaml', `${PIPELINE}  broken:\n    cmd: x\n    deps: [nowhere.csv]\n`);
    const result = await analyzePipelineCached({file: file()});
    expect(result.ok).toBe(false);
    expect(() => statSync(planCacheFile(file()))).toThrow();
  });
});

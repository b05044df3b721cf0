import {describe, expect, it} from 'vitest';
import type {OutSpec, StagePlan} from '../analysis/plan.js';
import {stageFingerprint} from './fingerprint.js';

const out = (p: string, extra: Partial<OutSpec> = {}): OutSpec => ({
  path: p,
  location: undefined,
  kind: 'out',
  cache: true,
  persist: false,
  ...extra,
});

function stage(overrides: Partial<StagePlan> = {}): StagePlan {
  return {
    name: 'train',
    desc: undefined,
    command: {type: 'cmd', cmd: ['python train.py']},
    wdir: '',
    deps: [],
    outs: [out('models/model.json'), out('reports/metrics.json', {kind: 'metric'})],
    params: [{file: 'params.yaml', key: 'train.k', value: 3}],
    frozen: false,
    alwaysChanged: false,
    retries: 0,
    timeoutMs: undefined,
    upstream: [],
    location: undefined,
    ...overrides,
  };
}

const deps = [
  {path: 'data/b.parquet', md5: 'b'.repeat(32)},
  {path: 'data/a.parquet', md5: 'a'.repeat(32)},
];

describe('stageFingerprint', () => {
  it('is a sha256 hex digest', () => {
    expect(stageFingerprint(stage(), deps)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of deps, outs or params', () => {
    const reordered = stage({
      outs: [out('reports/metrics.json', {kind: 'metric'}), out('models/model.json')],
      params: [
        {file: 'params.yaml', key: 'train.seed', value: 0},
        {file: 'params.yaml', key: 'train.k', value: 3},
      ],
    });
    const sorted = stage({
      params: [
        {file: 'params.yaml', key: 'train.k', value: 3},
        {file: 'params.yaml', key: 'train.seed', value: 0},
      ],
    });
    expect(stageFingerprint(reordered, [...deps].reverse())).toBe(stageFingerprint(sorted, deps));
  });

  it('ignores what does not change results: name, desc, locations, retries, machine paths', () => {
    const base = stageFingerprint(stage(), deps);
    expect(
      stageFingerprint(
        stage({name: 'other', desc: 'x', retries: 3, timeoutMs: 5, upstream: ['a'], frozen: true}),
        deps,
      ),
    ).toBe(base);
  });

  it.each<[string, Partial<StagePlan>]>([
    ['the cmd', {command: {type: 'cmd', cmd: ['python train.py --fast']}}],
    ['the wdir', {wdir: 'src'}],
    ['a param value', {params: [{file: 'params.yaml', key: 'train.k', value: 4}]}],
    ['a param value type', {params: [{file: 'params.yaml', key: 'train.k', value: '3'}]}],
    ['a params file', {params: [{file: 'other.yaml', key: 'train.k', value: 3}]}],
    [
      'an out path',
      {outs: [out('models/model2.json'), out('reports/metrics.json', {kind: 'metric'})]},
    ],
    ['an out kind', {outs: [out('models/model.json'), out('reports/metrics.json')]}],
    [
      'an out cache flag',
      {
        outs: [
          out('models/model.json'),
          out('reports/metrics.json', {kind: 'metric', cache: false}),
        ],
      },
    ],
  ])('changes with %s', (_name, overrides) => {
    expect(stageFingerprint(stage(overrides), deps)).not.toBe(stageFingerprint(stage(), deps));
  });

  it('changes with a dep hash or path', () => {
    const base = stageFingerprint(stage(), deps);
    expect(
      stageFingerprint(stage(), [deps[0]!, {path: 'data/a.parquet', md5: 'c'.repeat(32)}]),
    ).not.toBe(base);
    expect(
      stageFingerprint(stage(), [deps[0]!, {path: 'data/c.parquet', md5: 'a'.repeat(32)}]),
    ).not.toBe(base);
  });

  it('covers a plugin stage: name, version, code hash and resolved with', () => {
    const plugin = (version: string, codeHash: string, url: string): StagePlan =>
      stage({
        command: {
          type: 'plugin',
          plugin: {
            name: 'download',
            version,
            modulePath: '/somewhere/index.js',
            codeHash,
            source: 'builtin',
          },
          with: {url, retries: 2},
        },
      });
    const base = stageFingerprint(plugin('1.0.0', 'h1', 'sample:'), deps);
    expect(stageFingerprint(plugin('1.0.1', 'h1', 'sample:'), deps)).not.toBe(base);
    expect(stageFingerprint(plugin('1.0.0', 'h2', 'sample:'), deps)).not.toBe(base);
    expect(stageFingerprint(plugin('1.0.0', 'h1', 'file:x.csv'), deps)).not.toBe(base);
    // The module's absolute path is machine-specific and must not count.
    const moved = plugin('1.0.0', 'h1', 'sample:');
    const elsewhere: StagePlan = {
      ...moved,
      command: {
        ...(moved.command as Extract<StagePlan['command'], {type: 'plugin'}>),
        plugin: {
          name: 'download',
          version: '1.0.0',
          modulePath: '/elsewhere/index.js',
          codeHash: 'h1',
          source: 'builtin',
        },
      },
    };
    expect(stageFingerprint(elsewhere, deps)).toBe(base);
  });

  it('is stable across releases (golden value)', () => {
    expect(stageFingerprint(stage(), deps)).toMatchInlineSnapshot(
      `"b1c63a5305dea3770ba632afcf16373a137071088b8aae7eabb6d40d63779224"`,
    );
  });
});

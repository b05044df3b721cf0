import {parse, stringify} from 'yaml';
import {describe, expect, it} from 'vitest';
import {OrderedMap, scalarString, yamlDocument} from './lock-yaml.js';

const TRICKY = [
  '',
  ' ',
  ' leading',
  'trailing ',
  'a: b',
  'a:b',
  'ends:',
  'a #b',
  'a#b',
  '#x',
  '- x',
  '-x',
  '?x',
  ':x',
  ',x',
  '[x]',
  '{x}',
  '&x',
  '*x',
  '!x',
  '|x',
  '>x',
  "'x",
  '"x',
  '%x',
  '@x',
  '`x',
  'true',
  'True',
  'FALSE',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  'null',
  'Null',
  '~',
  '0',
  '-1',
  '+1',
  '1.5',
  '.5',
  '1e5',
  '1E-5',
  '1_000',
  '0x1F',
  '0o17',
  '017',
  '0b101',
  '.inf',
  '-.Inf',
  '.nan',
  '1:20',
  '1:20:30.5',
  '2026-11-28',
  '2026-11-28T10:00:00Z',
  '<<',
  '=',
  'sample:',
  'http://example.com/a?b=c#d',
  'python x.py --in "raw data"',
  "it's",
  'line1\nline2',
  'tab\there',
  'cr\rx',
  'nul\u0000x',
  'del\u007fx',
  'nel\u0085x',
  'ls\u2028x',
  'bom\ufeffx',
  'é unicode ✓',
  '日本語',
  'emoji 😀',
  'lone \ud800 surrogate',
  '\\backslash',
  'a  b',
  '0123456789abcdef0123456789abcdef',
  '1234e5678',
  'data/raw/transactions.parquet',
  'train@3',
  'us-k3',
  '1.2.0',
  '1.0',
  'v1',
];

function roundTrips(value: unknown): void {
  const text = yamlDocument(new OrderedMap([['value', value]]));
  expect(parse(text, {version: '1.2'})).toEqual({value});
  // YAML 1.1 readers (PyYAML) must not turn a string into a boolean, a number or a date.
  expect(parse(text, {version: '1.1'})).toEqual({value});
}

describe('lock YAML writer', () => {
  it.each(TRICKY.map((s) => [JSON.stringify(s), s]))('reads back the string %s', (_name, value) => {
    roundTrips(value);
    // Also as a key and inside a sequence.
    const text = yamlDocument(new OrderedMap([[value, [value]]]));
    expect(parse(text)).toEqual({[value]: [value]});
  });

  it('reads back random strings', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [...' -:#?,[]{}&*!|>\'"%@`abcxyz019._/\n\t\\é✓\u0085\u2028'];
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(random() * 12);
      const value = Array.from(
        {length},
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
      roundTrips(value);
    }
  });

  it('reads back numbers, booleans, null and nested collections', () => {
    roundTrips(0);
    roundTrips(-0.5);
    roundTrips(1e21);
    roundTrips(123456789012);
    roundTrips(Infinity);
    roundTrips(-Infinity);
    roundTrips(true);
    roundTrips(null);
    roundTrips([]);
    roundTrips({});
    roundTrips([1, [2, [3, []]], {a: {b: [{c: null}, 'x']}, z: {}}]);
    roundTrips({'': 1, 'a b': {'c:': ['d']}});
    const text = yamlDocument(new OrderedMap([['n', Number.NaN]]));
    expect(Number.isNaN((parse(text) as {n: number}).n)).toBe(true);
  });

  it('writes plain objects with keys sorted by code units, at every depth', () => {
    const text = yamlDocument(new OrderedMap([['v', {b: 1, a: {d: 2, c: 3}, '10': 4, '9': 5}]]));
    expect(text).toBe('v:\n  "10": 4\n  "9": 5\n  a:\n    c: 3\n    d: 2\n  b: 1\n');
  });

  it('writes what the yaml package writes for ordinary lock content', () => {
    const value = {
      schema: 1,
      stages: {
        'train@3': {
          kind: {cmd: ['python train.py --k 3', 'echo "done: yes"']},
          params: {
            'params.yaml': {
              'train.k': 3,
              train: {kRange: [2, 10], pcaVariance: 0.8, name: 'k-means'},
            },
          },
          with: {url: 'sample:', retries: 2, flags: [], opts: {}},
          deps: [
            {
              path: 'data/interim/clean.parquet',
              md5: '0123456789abcdef0123456789abcdef',
              size: 2048,
            },
          ],
          fingerprint: 'ab'.repeat(32),
        },
      },
    };
    const toOrdered = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(toOrdered);
      if (typeof v === 'object' && v !== null) {
        return new OrderedMap(Object.entries(v).map(([k, x]) => [k, toOrdered(x)] as const));
      }
      return v;
    };
    const ours = yamlDocument(toOrdered(value) as OrderedMap);
    expect(ours).toBe(stringify(value, {lineWidth: 0, indentSeq: true}));
  });

  it('quotes with JSON syntax and escapes what YAML may not hold raw', () => {
    expect(scalarString('a: b')).toBe('"a: b"');
    expect(scalarString('x\u007fy')).toBe('"x\\u007fy"');
    expect(scalarString('plain/path.txt')).toBe('plain/path.txt');
  });
});

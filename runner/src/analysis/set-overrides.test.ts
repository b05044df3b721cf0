import {describe, expect, test} from 'vitest';
import {DiagnosticCollector} from '../diagnostics/collector.js';
import {parseDuration} from '../config/duration.js';
import {parseSetOverrides} from './set-overrides.js';

function parse(items: string[]) {
  const diagnostics = new DiagnosticCollector();
  const overrides = parseSetOverrides(items, diagnostics);
  return {overrides, reasons: diagnostics.sorted().map((d) => d.reason)};
}

describe('--set values', () => {
  test('values are YAML scalars', () => {
    const {overrides, reasons} = parse([
      'train.k=4',
      'train.rate=1e-3',
      'flag=true',
      'data.url=https://example.org/a.zip?x=1',
      'name=hello world',
      'empty=',
      'list=[1, 2]',
      'quoted="4"',
    ]);
    expect(reasons).toEqual([]);
    expect(overrides.map((o) => [o.key, o.value])).toEqual([
      ['train.k', 4],
      ['train.rate', 0.001],
      ['flag', true],
      ['data.url', 'https://example.org/a.zip?x=1'],
      ['name', 'hello world'],
      ['empty', ''],
      ['list', [1, 2]],
      ['quoted', '4'],
    ]);
    expect(overrides.every((o) => o.file === undefined)).toBe(true);
  });

  test('file.yaml:key=value targets another params file', () => {
    const {overrides} = parse(['config/model.yaml:layers.0=32', './other.json:a=b']);
    expect(overrides.map((o) => [o.file, o.key, o.value])).toEqual([
      ['config/model.yaml', 'layers.0', 32],
      ['other.json', 'a', 'b'],
    ]);
  });

  test('malformed items are reported, the others still parsed', () => {
    const {overrides, reasons} = parse(['train.k', '=3', 'a..b=1', 'ok=1', 'x={a: [}']);
    expect(reasons).toEqual(Array(4).fill('malformed-set'));
    expect(overrides.map((o) => o.key)).toEqual(['ok']);
  });
});

describe('timeouts', () => {
  test('units and plain seconds', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(45)).toBe(45_000);
    expect(parseDuration('45')).toBe(45_000);
  });

  test('anything else is rejected', () => {
    for (const bad of ['10 minutes', '0s', 0, -5, '1d', '', 'soon', true, null]) {
      expect(parseDuration(bad)).toBeUndefined();
    }
  });
});

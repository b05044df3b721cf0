import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {DiagnosticCollector} from '../diagnostics/collector.js';
import {buildGraph, type GraphStage} from './graph.js';

const at = (offset: number) => ({file: '/p/pipeline.yaml', offset, length: 1});

function stage(name: string, deps: string[], outs: string[], offset = 0): GraphStage {
  return {
    name,
    location: at(offset),
    deps: deps.map((p, i) => ({path: p, location: at(offset + 10 + i)})),
    outs: outs.map((p, i) => ({
      path: p,
      kind: 'out' as const,
      cache: true,
      persist: false,
      location: at(offset + 50 + i),
    })),
  };
}

function graph(stages: GraphStage[], root = '/nonexistent-root') {
  const diagnostics = new DiagnosticCollector();
  const result = buildGraph(stages, root, true, diagnostics);
  return {...result, diagnostics: diagnostics.sorted()};
}

describe('edges from paths', () => {
  test('exact path, a dep inside a produced folder, a dep folder holding outs', () => {
    const g = graph([
      stage('unpack', [], ['data/raw']),
      stage('features', ['data/raw/sales.csv'], ['data/features/a.parquet']),
      stage('other', [], ['data/features/b.parquet']),
      stage('train', ['data/features'], ['model.json']),
      stage('report', ['model.json', 'data/raw/sales.csv'], ['report.md']),
    ]);
    expect(g.diagnostics).toEqual([]);
    expect(g.upstream.get('features')).toEqual(['unpack']);
    expect(g.upstream.get('train')).toEqual(['features', 'other']);
    expect(g.upstream.get('report')).toEqual(['train', 'unpack']);
    expect(g.order).toEqual(['other', 'unpack', 'features', 'train', 'report']);
  });

  test('a path that only shares a prefix is not inside a folder', () => {
    const g = graph([stage('a', [], ['data/raw']), stage('b', ['data/raw2.csv'], [])]);
    expect(g.upstream.get('b')).toEqual([]);
    expect(g.diagnostics.map((d) => d.reason)).toEqual(['missing-dep']);
  });

  test('deps that exist on disk need no producer', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'runner-graph-'));
    try {
      writeFileSync(path.join(root, 'input.csv'), 'x');
      const g = graph([stage('a', ['input.csv'], ['out.csv'])], root);
      expect(g.diagnostics).toEqual([]);
    } finally {
      rmSync(root, {recursive: true, force: true});
    }
  });

  test('independent stages are ordered by name', () => {
    const g = graph([stage('c', [], ['c']), stage('a', [], ['a']), stage('b', [], ['b'])]);
    expect(g.order).toEqual(['a', 'b', 'c']);
  });
});

describe('graph errors', () => {
  test('duplicate and overlapping outs', () => {
    const g = graph([
      stage('a', [], ['x/y', 'dup.csv'], 0),
      stage('b', [], ['dup.csv', 'x/y/z.csv'], 100),
    ]);
    expect(g.diagnostics.map((d) => [d.reason, d.location?.offset])).toEqual([
      ['duplicate-out', 150],
      ['overlapping-outs', 151],
    ]);
    expect(g.diagnostics[0]!.supplemental?.[0]?.location.offset).toBe(51);
  });

  test('a cycle is reported once, from its first stage by name, hop by hop', () => {
    const g = graph([
      stage('c', ['b.txt'], ['c.txt'], 200),
      stage('a', ['c.txt'], ['a.txt'], 0),
      stage('b', ['a.txt'], ['b.txt'], 100),
      stage('d', ['c.txt'], ['d.txt'], 300),
    ]);
    expect(g.order).toBeUndefined();
    expect(g.diagnostics).toHaveLength(1);
    const [cycle] = g.diagnostics;
    expect(cycle!.reason).toBe('cycle');
    expect(cycle!.location?.offset).toBe(0);
    expect(cycle!.supplemental?.map((s) => s.message)).toEqual([
      'a depends on c (c.txt)',
      'c depends on b (b.txt)',
      'b depends on a (a.txt), which points back to a',
    ]);
  });

  test('two separate cycles are both reported', () => {
    const g = graph([
      stage('a', ['b'], ['a']),
      stage('b', ['a'], ['b']),
      stage('x', ['y'], ['x']),
      stage('y', ['x'], ['y']),
    ]);
    expect(g.diagnostics.map((d) => d.message.split(':')[1]!.split('.')[0])).toEqual([
      ' a depends on b, which depends on a',
      ' x depends on y, which depends on x',
    ]);
  });

  test('a stage reading its own output is a cycle of one', () => {
    const g = graph([stage('a', ['logs'], ['logs/today.csv'])]);
    expect(g.diagnostics.map((d) => d.reason)).toEqual(['cycle']);
  });
});

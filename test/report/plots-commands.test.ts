import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {plotsDiff, plotsShow} from '../../runner/src/plots/commands.js';
import {combineRevisions} from '../../runner/src/plots/combine.js';
import {renderSvg} from '../../runner/src/plots/render.js';
import {writePlots} from '../../runner/src/plots/write-plots.js';
import {loadPlots} from '../../runner/src/plots/load-specs.js';
import type {RevisionFiles} from '../../runner/src/report/revision.js';
import {makeFixtureRepo, type FixtureRepo} from './fixture-repo.js';
import {inspectPng} from './png-check.js';

let repo: FixtureRepo;
let out: string;
beforeAll(async () => {
  repo = await makeFixtureRepo();
  out = process.env['REPORT_TEST_KEEP'] ?? mkdtempSync(join(tmpdir(), 'plots-out-'));
});
afterAll(() => {
  repo.remove();
  if (!process.env['REPORT_TEST_KEEP']) rmSync(out, {recursive: true, force: true});
});

interface Described {
  html: string;
  plots: {name: string; layout: string; revisions: string[]; png: string; title: string}[];
  missing: unknown[];
}

/** A revision served from memory, to feed the loader odd inputs. */
function memoryFiles(files: Record<string, string>): RevisionFiles {
  return {
    root: '/nowhere',
    rev: 'workspace',
    label: 'workspace',
    read: async (path) =>
      path in files
        ? {found: true, bytes: Buffer.from(files[path] ?? ''), from: 'workspace'}
        : {found: false, why: `${path} absent`},
    list: async (path) =>
      Object.keys(files)
        .filter((name) => name.startsWith(path))
        .sort(),
  };
}

describe('plots diff', () => {
  it('draws every plot of both revisions, overlaying what it can, reading old data from the cache', async () => {
    const result = await plotsDiff({
      root: repo.root,
      plan: repo.plan,
      format: 'json',
      a: 'HEAD~1',
      out: join(out, 'diff'),
    });
    if (!result.ok) throw new Error(result.error.message);
    const described = JSON.parse(result.value) as Described;
    const layouts = Object.fromEntries(described.plots.map((plot) => [plot.name, plot.layout]));
    expect(layouts).toEqual({
      cluster_profiles: 'side-by-side',
      cluster_sizes: 'overlay',
      pca_scatter: 'side-by-side',
      silhouette_by_k: 'side-by-side',
    });
    expect(described.missing).toEqual([]);
    for (const plot of described.plots) {
      expect(plot.revisions).toEqual([
        expect.stringMatching(/^HEAD~1 \([0-9a-f]{7}\)$/),
        'workspace',
      ]);
      const facts = inspectPng(readFileSync(join(out, 'diff', `${plot.name}.png`)));
      expect(facts.width).toBeGreaterThan(500);
      expect(facts.inkRatio).toBeGreaterThan(0.01);
    }
    const html = readFileSync(join(out, 'diff', 'index.html'), 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(4);
    // The side-by-side scatter holds both revisions' points: 600 customers each.
    const svg = readFileSync(join(out, 'diff', 'pca_scatter.svg'), 'utf8');
    expect(svg.match(/<path[^>]*aria-roledescription="point"/g)?.length).toBe(1200);
  });

  it('overlays cluster sizes as grouped bars coloured by revision', async () => {
    const result = await plotsDiff({
      root: repo.root,
      plan: repo.plan,
      format: 'text',
      a: 'HEAD~1',
      out: join(out, 'overlay'),
    });
    expect(result.ok).toBe(true);
    const svg = readFileSync(join(out, 'overlay', 'cluster_sizes.svg'), 'utf8');
    expect(svg.match(/aria-roledescription="bar"/g)?.length).toBe(7); // 3 base + 4 head bars
    expect(svg).toContain('Revision');
  });
});

describe('plots show', () => {
  it('writes markdown that links each PNG', async () => {
    const result = await plotsShow({
      root: repo.root,
      plan: repo.plan,
      format: 'md',
      out: 'plots-out',
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toContain('![Customers per cluster](plots-out/cluster_sizes.png)');
    expect(
      inspectPng(readFileSync(join(repo.root, 'plots-out/cluster_sizes.png'))).inkRatio,
    ).toBeGreaterThan(0.01);
  });
});

describe('plot spec loading', () => {
  it('inlines CSV data referenced by data.url and skips data files', async () => {
    const files = memoryFiles({
      'plots/a.json': JSON.stringify({mark: 'bar', data: {url: 'a.csv'}, encoding: {}}),
      'plots/a.csv': 'k,v\n1,2.5\n2,3\n',
      'plots/rows.json': '[{"x": 1}]',
    });
    const loaded = await loadPlots(files, ['plots']);
    expect(loaded.plots.map((plot) => plot.path)).toEqual(['plots/a.json']);
    expect(loaded.plots[0]?.spec['data']).toEqual({
      values: [
        {k: 1, v: 2.5},
        {k: 2, v: 3},
      ],
    });
  });

  it('refuses data from a URL with a message saying how to fix it', async () => {
    const files = memoryFiles({
      'p/b.json': JSON.stringify({mark: 'line', data: {url: 'https://example.invalid/d.json'}}),
    });
    await expect(loadPlots(files, ['p'])).rejects.toThrow(/write the data next to the spec/);
  });

  it('falls back to side by side when the specs differ beyond their data', () => {
    const spec = (filter: string) => ({
      mark: 'line',
      data: {values: [{x: 1}]},
      transform: [{filter}],
      encoding: {x: {field: 'x', type: 'quantitative'}},
    });
    const combined = combineRevisions(
      [
        {label: 'a', spec: spec('true')},
        {label: 'b', spec: spec('false')},
      ],
      'auto',
    );
    expect(combined['hconcat']).toHaveLength(2);
    const same = combineRevisions(
      [
        {label: 'a', spec: spec('true')},
        {label: 'b', spec: spec('true')},
      ],
      'auto',
    );
    expect(same['data']).toEqual({
      values: [
        {x: 1, rev: 'a'},
        {x: 1, rev: 'b'},
      ],
    });
    expect((same['encoding'] as Record<string, unknown>)['color']).toMatchObject({field: 'rev'});
    expect((same['encoding'] as Record<string, unknown>)['strokeDash']).toMatchObject({
      field: 'rev',
    });
  });

  it('draws step-sized (nominal) views side by side, sharing only continuous axes', async () => {
    const heatmap = (cluster: number) => ({
      mark: 'rect',
      data: {
        values: [
          {feature: 'a', cluster, z: 1},
          {feature: 'b', cluster, z: -1},
        ],
      },
      encoding: {
        x: {field: 'feature', type: 'nominal'},
        y: {field: 'cluster', type: 'nominal'},
        color: {field: 'z', type: 'quantitative'},
      },
    });
    const combined = combineRevisions(
      [
        {label: 'a', spec: heatmap(0)},
        {label: 'b', spec: heatmap(1)},
      ],
      'auto',
    );
    expect(combined['resolve']).toBeUndefined();
    expect(await renderSvg(combined)).toContain('aria-roledescription="rect mark"');
    const scatter = (x: number) => ({
      mark: 'point',
      data: {values: [{x, y: 1, c: 'k'}]},
      encoding: {
        x: {field: 'x', type: 'quantitative'},
        y: {field: 'y', type: 'quantitative'},
        color: {field: 'c'},
      },
    });
    const both = combineRevisions(
      [
        {label: 'a', spec: scatter(1)},
        {label: 'b', spec: scatter(5)},
      ],
      'auto',
    );
    expect(both['resolve']).toEqual({scale: {x: 'shared', y: 'shared'}});
  });

  it('draws the other plots when one spec cannot be drawn, and says which failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plots-bad-'));
    try {
      const good = {
        mark: 'bar',
        data: {values: [{a: 1}]},
        encoding: {x: {field: 'a', type: 'ordinal'}},
      };
      const bad = {mark: 'bar', data: {values: [{a: 1}]}, transform: [{filter: 'datum.a >'}]};
      const result = await writePlots(
        [
          {source: 'p/bad.json', revisions: [{label: 'workspace', spec: bad}]},
          {source: 'p/good.json', revisions: [{label: 'workspace', spec: good}]},
        ],
        dir,
      );
      expect(result.plots.map((plot) => plot.name)).toEqual(['good']);
      expect(result.failed).toEqual([
        {source: 'p/bad.json', message: expect.stringContaining('p/bad.json could not be drawn')},
      ]);
      expect(inspectPng(readFileSync(join(dir, 'good.png'))).inkRatio).toBeGreaterThan(0.005);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});

import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {plotFonts} from '../../runner/src/plots/fonts.js';
import {renderSvg, svgToPng, type PlotSpec} from '../../runner/src/plots/render.js';
import {inspectPng} from './png-check.js';

const fixtures = join(import.meta.dirname, '../fixtures/plots/head/plots');
const keep = process.env['REPORT_TEST_KEEP'] ?? join(tmpdir(), 'report-plot-render');

function fixture(name: string): PlotSpec {
  const spec = JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as PlotSpec;
  const data = spec['data'] as {url?: string} | undefined;
  if (data?.url) {
    spec['data'] = {values: JSON.parse(readFileSync(join(fixtures, data.url), 'utf8')) as unknown};
  }
  return spec;
}

describe('plot rendering', () => {
  it('finds an installed font family to load explicitly', () => {
    const fonts = plotFonts();
    expect(fonts.files.length).toBeGreaterThan(0);
    expect(fonts.family).not.toBe('sans-serif');
  });

  for (const name of ['silhouette_by_k', 'cluster_sizes', 'pca_scatter', 'cluster_profiles']) {
    it(`draws ${name} to an SVG with its title and a legible PNG`, async () => {
      const spec = fixture(name);
      const svg = await renderSvg(spec);
      expect(svg).toContain('<svg');
      expect(svg).toContain(String(spec['title']).slice(0, 20));
      const png = svgToPng(svg);
      mkdirSync(keep, {recursive: true});
      writeFileSync(join(keep, `${name}.png`), png);
      const facts = inspectPng(png);
      expect(facts.width).toBeGreaterThan(400);
      expect(facts.height).toBeGreaterThan(300);
      expect(facts.width).toBeLessThan(4000);
      expect(facts.corner).toEqual([255, 255, 255, 255]);
      expect(facts.inkRatio).toBeGreaterThan(0.01);
    });
  }

  it('collects what Vega-Lite warns about instead of printing it', async () => {
    const warnings: string[] = [];
    const svg = await renderSvg(
      {
        mark: 'bar',
        data: {values: [{a: 1}, {a: 2}]},
        encoding: {x: {field: 'a', type: 'ordinal'}, shape: {field: 'a', type: 'nominal'}},
      },
      plotFonts(),
      warnings,
    );
    expect(svg).toContain('<svg');
    expect(warnings.join('\n')).toMatch(/shape/);
  });
});

import {cpSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {renderStageOutcomes} from '../../runner/src/report/last-run.js';
import {writeReport, type WrittenReport} from '../../runner/src/report/pr-report.js';
import {makeFixtureRepo, type FixtureRepo} from './fixture-repo.js';
import {assertReportImages, tableRow} from './report-assertions.js';

let repo: FixtureRepo;
let written: WrittenReport;
let markdown: string;
beforeAll(async () => {
  repo = await makeFixtureRepo();
  const result = await writeReport({
    root: repo.root,
    plan: repo.plan,
    base: 'HEAD~1',
    out: 'reports/pr.md',
  });
  if (!result.ok) throw new Error(result.error.message);
  written = result.value;
  markdown = readFileSync(join(repo.root, written.markdown), 'utf8');
  const keep = process.env['REPORT_TEST_KEEP'];
  if (keep) cpSync(join(repo.root, 'reports'), join(keep, 'report'), {recursive: true});
});
afterAll(() => repo.remove());

describe('runner report', () => {
  it('tabulates every metric with base, head, delta and direction', () => {
    expect(written).toMatchObject({markdown: 'reports/pr.md', changedParams: 1});
    expect(tableRow(markdown, 'silhouette')).toEqual([
      'reports/metrics.json',
      'silhouette',
      '0.4376',
      '0.4611',
      '+0.0235',
      '▲ better',
    ]);
    expect(tableRow(markdown, 'calinski_harabasz')).toEqual([
      'reports/metrics.json',
      'calinski_harabasz',
      '1618.2',
      '1678.9',
      '+60.636',
      '▲ better',
    ]);
    expect(tableRow(markdown, 'davies_bouldin')).toEqual([
      'reports/metrics.json',
      'davies_bouldin',
      '0.9442',
      '0.8991',
      '-0.0451',
      '▼ better',
    ]);
    // Unchanged nested values are summarised, not listed; changed ones are listed.
    expect(tableRow(markdown, 'rows.final')).toBeUndefined();
    expect(markdown).toContain(
      '4 unchanged nested values not shown (`runner metrics diff HEAD~1 --all`).',
    );
    expect(tableRow(markdown, 'sizes.0')?.slice(2)).toEqual(['296', '254', '-42', '▼']);
    expect(markdown).toMatch(
      /\| Path \| Metric \| HEAD~1 \([0-9a-f]{7}\) \| workspace \| Change \|/,
    );
  });

  it('lists the changed params only', () => {
    expect(tableRow(markdown, 'train.k')).toEqual(['params.yaml', 'train.k', '3', '4']);
    expect(tableRow(markdown, 'train.seed')).toBeUndefined();
  });

  it('shows each stage outcome with its time and reason, in plan order', () => {
    const stages = markdown.split('### Stages')[1]?.split('###')[0] ?? '';
    expect(stages).toContain('3 ran, 1 cached, 3 fresh in 3.4 s.');
    const names = stages
      .split('\n')
      .flatMap((line) => /^\| (\w+) \| (ran|cached|fresh)/.exec(line)?.[1] ?? []);
    expect(names).toEqual([
      'download',
      'clean',
      'rfm',
      'seasonality',
      'train',
      'evaluate',
      'deploy',
    ]);
    expect(stages).toContain('| train | ran | 2.4 s | param train.k changed |');
    expect(stages).toContain('| rfm | cached | 41 ms |');
  });

  it('draws the DAG as mermaid with outcome classes', () => {
    const block = /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
    expect(block).toMatch(/^flowchart/);
    const trainId = /^\s+(\S+)\["train"\]$/m.exec(block)?.[1];
    const evaluateId = /^\s+(\S+)\["evaluate"\]$/m.exec(block)?.[1];
    expect(block).toContain(`${trainId} --> ${evaluateId}`);
    expect(block).toContain(`class ${trainId} run`);
    expect(block).toMatch(/classDef cached fill:/);
  });

  it('references one decodable, non-blank PNG per plot, relative to the markdown', () => {
    const images = assertReportImages(markdown, dirname(join(repo.root, written.markdown)));
    expect(images.map((image) => image.path).sort()).toEqual([
      'pr-plots/cluster_profiles.png',
      'pr-plots/cluster_sizes.png',
      'pr-plots/pca_scatter.png',
      'pr-plots/silhouette_by_k.png',
    ]);
  });

  it('writes byte-identical files for the same inputs', async () => {
    const before = [written.markdown, ...written.images].map((file) =>
      readFileSync(join(repo.root, file)),
    );
    const again = await writeReport({
      root: repo.root,
      plan: repo.plan,
      base: 'HEAD~1',
      out: 'reports/pr.md',
    });
    expect(again.ok).toBe(true);
    const after = [written.markdown, ...written.images].map((file) =>
      readFileSync(join(repo.root, file)),
    );
    after.forEach((bytes, index) =>
      expect(bytes.equals(before[index] ?? Buffer.alloc(0))).toBe(true),
    );
  });
});

describe('stage outcomes', () => {
  it('keeps a row short when a stage has many reasons, and flags a failed run', () => {
    const text = renderStageOutcomes(
      {
        stages: [
          {
            type: 'stage',
            time: 1,
            stage: 'train',
            outcome: 'failed',
            ms: 65_000,
            reasons: ['a', 'b', 'c', 'd', 'e'].map((path) => ({
              kind: 'dep-changed' as const,
              path,
              change: 'modified' as const,
            })),
          },
        ],
        end: {
          type: 'run-end',
          time: 2,
          ok: false,
          ms: 65_000,
          counts: {fresh: 0, cached: 0, run: 0, failed: 1, skipped: 0},
        },
      },
      ['train'],
    );
    expect(text).toContain('1 failed in 1 min 5 s — **the run failed**.');
    expect(text).toContain(
      '| train | failed | 1 min 5 s | dep a modified; dep b modified; dep c modified; +2 more |',
    );
  });
});

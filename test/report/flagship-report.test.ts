import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {formatDelta, formatNumber} from '../../runner/src/report/format.js';
import {assertReportImages, tableRow} from './report-assertions.js';

// The acceptance test of the PR report: the flagship pipeline (offline sample data) at two
// commits, a params change that moves the metrics, and the report made exactly as CI makes it,
// by scripts/pr-report.sh with the compiled CLI.
const projectRoot = join(import.meta.dirname, '../..');
const cli = join(projectRoot, 'runner/bin/runner.js');
const ready =
  existsSync(join(projectRoot, 'dist/runner/src/cli/main.js')) &&
  existsSync(join(projectRoot, 'pipeline.yaml'));
if (!ready) console.warn('flagship report test skipped: CLI not compiled or pipeline.yaml absent');

let root: string;
let base: Record<string, unknown>;
let markdown: string;

beforeAll(async () => {
  if (!ready) return;
  root = mkdtempSync(join(tmpdir(), 'report-flagship-'));
  const git = (...args: string[]) => execa('git', args, {cwd: root});
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.invalid');
  await git('config', 'user.name', 'Report Test');
  await git('config', 'commit.gpgsign', 'false');
  for (const file of ['pipeline.yaml', 'params.yaml']) {
    cpSync(join(projectRoot, file), join(root, file));
  }
  writeFileSync(join(root, '.gitignore'), '/data/\n/models/\n/reports/\n.runner/\n');
  const params = readFileSync(join(root, 'params.yaml'), 'utf8');
  expect(params).toMatch(/^ {2}k: 3$/m);
  await execa('node', [cli, 'repro'], {cwd: root});
  base = JSON.parse(readFileSync(join(root, 'reports/metrics.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  await git('add', '-A');
  await git('commit', '-q', '-m', 'segment with k=3');
  writeFileSync(join(root, 'params.yaml'), params.replace(/^ {2}k: 3$/m, '  k: 4'));
  await git('commit', '-q', '-am', 'try k=4');
  const script = await execa(join(projectRoot, 'scripts/pr-report.sh'), ['HEAD~1'], {
    cwd: root,
    env: {RUNNER: `node ${cli}`},
  });
  expect(script.stdout).toContain('pr-report: wrote reports/pr.md');
  markdown = readFileSync(join(root, 'reports/pr.md'), 'utf8');
  const keep = process.env['REPORT_TEST_KEEP'];
  if (keep) cpSync(join(root, 'reports'), join(keep, 'flagship'), {recursive: true});
}, 240_000);
afterAll(() => {
  if (root) rmSync(root, {recursive: true, force: true});
});

describe.skipIf(!ready)('PR report of the flagship after a change of k', () => {
  it('shows the metrics of both runs with their deltas', () => {
    const head = JSON.parse(readFileSync(join(root, 'reports/metrics.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(head['n_clusters']).toBe(4);
    expect(tableRow(markdown, 'n_clusters')?.slice(2)).toEqual(['3', '4', '+1', '▲']);
    for (const key of ['silhouette', 'calinski_harabasz', 'davies_bouldin', 'inertia']) {
      const before = base[key] as number;
      const after = head[key] as number;
      const row = tableRow(markdown, key);
      expect(row?.slice(0, 5)).toEqual([
        'reports/metrics.json',
        key,
        formatNumber(before),
        formatNumber(after),
        formatDelta(after - before),
      ]);
      const lower = key === 'davies_bouldin' || key === 'inertia';
      const better = lower ? after < before : after > before;
      expect(row?.[5]).toBe(`${after > before ? '▲' : '▼'} ${better ? 'better' : 'worse'}`);
    }
    expect(tableRow(markdown, 'train.k')).toEqual(['params.yaml', 'train.k', '3', '4']);
  });

  it('shows what the run did: upstream stages fresh, train and evaluate ran for the new k', () => {
    expect(markdown).toMatch(/\| download \| fresh \|/);
    expect(markdown).toMatch(
      /\| train \| ran \| [\d.]+ m?s \| [^|]*param train\.k changed[^|]* \|/,
    );
    expect(markdown).toMatch(/\| evaluate \| ran \|/);
  });

  it('embeds every evaluate plot as a legible PNG beside the markdown', () => {
    const images = assertReportImages(markdown, join(root, 'reports'));
    expect(images.length).toBeGreaterThanOrEqual(4);
  });
});

import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {PipelinePlan} from '../../runner/src/analysis/plan.js';
import {writeReport} from '../../runner/src/report/pr-report.js';
import {PLOT_FIXTURES} from './fixture-repo.js';
import {assertReportImages, tableRow} from './report-assertions.js';

// A project whose one cmd stage "evaluates" by copying the k=3 or k=4 fixture outputs: the real
// CLI runs it at each of two commits, so the lock, cache and events are the executor's own.
const projectRoot = join(import.meta.dirname, '../..');
const cli = join(projectRoot, 'runner/bin/runner.js');
const compiled = existsSync(join(projectRoot, 'dist/runner/src/cli/main.js'));
if (!compiled)
  console.warn('e2e report tests skipped: the CLI is not compiled (run npm run build)');

const MAKE = `import {cpSync, mkdirSync, rmSync} from 'node:fs';
const k = process.argv[2];
mkdirSync('reports', {recursive: true});
rmSync('reports/plots', {recursive: true, force: true});
cpSync(\`fixtures/k\${k}/metrics.json\`, 'reports/metrics.json');
cpSync(\`fixtures/k\${k}/plots\`, 'reports/plots', {recursive: true});
`;
const PIPELINE = `stages:
  evaluate:
    cmd: node make.mjs \${train.k}
    deps: [make.mjs, fixtures]
    metrics: [reports/metrics.json]
    plots: [reports/plots]
`;

let root: string;
const runCli = (...args: string[]) => execa('node', [cli, ...args], {cwd: root});
const git = (...args: string[]) => execa('git', args, {cwd: root});

beforeAll(async () => {
  if (!compiled) return;
  root = mkdtempSync(join(tmpdir(), 'report-e2e-'));
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.invalid');
  await git('config', 'user.name', 'Report Test');
  await git('config', 'commit.gpgsign', 'false');
  cpSync(join(PLOT_FIXTURES, 'base'), join(root, 'fixtures/k3'), {recursive: true});
  cpSync(join(PLOT_FIXTURES, 'head'), join(root, 'fixtures/k4'), {recursive: true});
  writeFileSync(join(root, 'make.mjs'), MAKE);
  writeFileSync(join(root, 'pipeline.yaml'), PIPELINE);
  writeFileSync(join(root, '.gitignore'), '/reports/\n.runner/\n');
  for (const k of [3, 4]) {
    writeFileSync(join(root, 'params.yaml'), `train:\n  k: ${k}\n  seed: 0\n`);
    await runCli('repro');
    await git('add', '-A');
    await git('commit', '-q', '-m', `evaluate with k=${k}`);
  }
});
afterAll(() => {
  if (root) rmSync(root, {recursive: true, force: true});
});

async function plan(): Promise<PipelinePlan> {
  const {analyzePipeline} = await import('../../runner/src/analysis/analyze.js');
  const result = await analyzePipeline({file: join(root, 'pipeline.yaml'), set: []});
  if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
  return result.value;
}

/** What every report of this project must say, whoever wrote it. */
function expectReport(markdown: string, dir: string): void {
  expect(tableRow(markdown, 'silhouette')).toEqual([
    'reports/metrics.json',
    'silhouette',
    '0.4376',
    '0.4611',
    '+0.0235',
    '▲ better',
  ]);
  expect(tableRow(markdown, 'inertia')?.slice(2)).toEqual([
    '7727.4',
    '7061.4',
    '-665.95',
    '▼ better',
  ]);
  expect(tableRow(markdown, 'train.k')).toEqual(['params.yaml', 'train.k', '3', '4']);
  expect(markdown).toMatch(/\| evaluate \| (ran|cached|fresh) \| [\d.]+ m?s \|/);
  expect(markdown).toMatch(/```mermaid\nflowchart/);
  expect(assertReportImages(markdown, dir)).toHaveLength(4);
}

describe.skipIf(!compiled)('report over two real runs', () => {
  it('reads the base run through its lock and the cache, and reports the change', async () => {
    const result = await writeReport({
      root,
      plan: await plan(),
      base: 'HEAD~1',
      out: 'reports/pr.md',
    });
    if (!result.ok) throw new Error(result.error.message);
    const markdown = readFileSync(join(root, 'reports/pr.md'), 'utf8');
    expectReport(markdown, join(root, 'reports'));
  });

  it('scripts/pr-report.sh runs repro and `runner report` end to end', async (context) => {
    const help = await runCli('report', '--help').catch((error: {exitCode?: number}) => error);
    if ((help as {exitCode?: number}).exitCode !== 0) {
      console.warn('pr-report.sh end-to-end skipped: the CLI has no `report` command yet');
      context.skip();
    }
    rmSync(join(root, 'reports/pr.md'), {force: true});
    const script = await execa(
      join(projectRoot, 'scripts/pr-report.sh'),
      ['HEAD~1', 'reports/pr.md'],
      {
        cwd: root,
        env: {RUNNER: `node ${cli}`},
      },
    );
    expect(script.stdout).toContain('pr-report: wrote reports/pr.md');
    const markdown = readFileSync(join(root, 'reports/pr.md'), 'utf8');
    expectReport(markdown, dirname(join(root, 'reports/pr.md')));
    expect(markdown).toContain('| evaluate | fresh |');
  });
});

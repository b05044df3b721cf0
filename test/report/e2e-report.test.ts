import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import type {PipelinePlan} from '../../runner/src/analysis/plan.js';
import {exportCli} from '../../runner/src/export/cli.js';
import {metricsCli, paramsCli, plotsCli, reportCli} from '../../runner/src/report/cli.js';
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

/** Runs a CLI adapter in-process, capturing what it prints. */
async function capture(
  command: (argv: readonly string[], cwd: string) => Promise<number>,
  argv: string[],
): Promise<{code: number; stdout: string; stderr: string}> {
  let stdout = '';
  let stderr = '';
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return {code: await command(argv, root), stdout, stderr};
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
}

describe.skipIf(!compiled)('CLI adapters the lead wires into runner', () => {
  it('metrics diff / show and params diff print tables and JSON', async () => {
    const diff = await capture(metricsCli, ['diff', 'HEAD~1', '--md']);
    expect(diff.code).toBe(0);
    expect(tableRow(diff.stdout, 'davies_bouldin')?.slice(2)).toEqual([
      '0.9442',
      '0.8991',
      '-0.0451',
      '▼ better',
    ]);
    const flipped = await capture(metricsCli, [
      'diff',
      'HEAD~1',
      '--md',
      '--higher-is-better',
      'davies_bouldin',
    ]);
    expect(tableRow(flipped.stdout, 'davies_bouldin')?.[5]).toBe('▼ worse');
    const show = await capture(metricsCli, ['show', '--json']);
    expect(JSON.parse(show.stdout)['reports/metrics.json']['n_clusters']).toBe(4);
    const params = await capture(paramsCli, ['diff', 'HEAD~1']);
    expect(params.stdout).toMatch(/params\.yaml\s+train\.k\s+3\s+4/);
  });

  it('reports bad revisions and usage with exit code 2 and a message', async () => {
    const bad = await capture(metricsCli, ['diff', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown git revision "nope"');
    await expect(capture(reportCli, [])).rejects.toThrow(/--base REV/);
  });

  it('plots diff and report write their files', async () => {
    const plots = await capture(plotsCli, ['diff', 'HEAD~1', '--json', '-o', 'plots-out']);
    expect(plots.code).toBe(0);
    expect(JSON.parse(plots.stdout).plots).toHaveLength(4);
    const report = await capture(reportCli, ['--base', 'HEAD~1', '--out', 'reports/cli.md']);
    expect(report.stdout).toMatch(
      /^wrote reports\/cli\.md \(\d+ metrics changed, 1 params changed, 4 plots\)/,
    );
    expectReport(readFileSync(join(root, 'reports/cli.md'), 'utf8'), join(root, 'reports'));
  });

  it('export dvc writes a dvc.yaml our own analyzer reads back as the same pipeline', async () => {
    const check = await capture(exportCli, ['dvc', '--check']);
    expect(check.code).toBe(1);
    expect((await capture(exportCli, ['dvc'])).code).toBe(0);
    expect((await capture(exportCli, ['dvc', '--check'])).code).toBe(0);
    const {analyzePipeline} = await import('../../runner/src/analysis/analyze.js');
    const reread = await analyzePipeline({file: join(root, 'dvc.yaml'), set: []});
    if (!reread.ok) throw new Error(reread.error.map((d) => d.message).join('\n'));
    const original = await plan();
    expect(reread.value.order).toEqual(original.order);
    const stage = reread.value.stages.get('evaluate');
    expect(stage?.outs.map((o) => [o.path, o.kind])).toEqual(
      original.stages.get('evaluate')?.outs.map((o) => [o.path, o.kind]),
    );
    expect(stage?.params.map((p) => p.key)).toEqual(['train.k']);
  });
});

import {accessSync, constants, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {execa} from 'execa';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';

const root = join(import.meta.dirname, '../..');
const ALLOWED = new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'iterative/setup-cml@v2']);

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, {env?: Record<string, string>; steps: Step[]}>;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(join(root, '.github/workflows', name), 'utf8')) as Workflow;
}
const steps = (flow: Workflow): Step[] => Object.values(flow.jobs).flatMap((job) => job.steps);
const used = (flow: Workflow): string[] => steps(flow).flatMap((step) => step.uses ?? []);
const runs = (flow: Workflow): string[] => steps(flow).flatMap((step) => step.run ?? []);

describe('ci.yml', () => {
  const ci = workflow('ci.yml');

  it('runs on pushes and pull requests with only the allowed actions', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(used(ci)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4']);
    expect(
      steps(ci).find((step) => step.uses === 'actions/setup-node@v4')?.with?.['node-version'],
    ).toBe(20);
  });

  it('installs exactly from the lockfile, then runs the test command', () => {
    const commands = runs(ci);
    expect(commands.indexOf('npm ci')).toBeGreaterThanOrEqual(0);
    expect(commands.indexOf('npm test')).toBeGreaterThan(commands.indexOf('npm ci'));
  });
});

describe('pr-report.yml', () => {
  const pr = workflow('pr-report.yml');
  const all = steps(pr);

  it('runs on pull requests with only the allowed actions, and full history', () => {
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    for (const action of used(pr)) expect(ALLOWED).toContain(action);
    expect(used(pr)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'iterative/setup-cml@v2',
    ]);
    expect(all.find((step) => step.uses === 'actions/checkout@v4')?.with?.['fetch-depth']).toBe(0);
    expect(pr.permissions?.['pull-requests']).toBe('write');
  });

  it('pulls the run-cache only when the remote secret is set', () => {
    const pull = all.find((step) => step.run?.includes('runner pull --run-cache'));
    expect(pull?.if).toMatch(/env\.REMOTE_URL != ''/);
    expect(pull?.run).toContain('npx runner remote add ci "$REMOTE_URL"');
    expect(pull?.run).toContain('npx runner pull --run-cache -r ci');
    expect(Object.values(pr.jobs)[0]?.env?.['REMOTE_URL']).toContain('secrets.');
  });

  it('makes the report with the project script, then posts it with CML, in that order', () => {
    const commands = runs(pr);
    const report = commands.findIndex((run) =>
      run.startsWith('scripts/pr-report.sh "origin/${{ github.base_ref }}"'),
    );
    const post = all.findIndex((step) => step.run?.startsWith('cml comment update'));
    const setupCml = all.findIndex((step) => step.uses === 'iterative/setup-cml@v2');
    expect(report).toBeGreaterThan(commands.indexOf('npm ci'));
    expect(all.findIndex((step) => step.run === commands[report])).toBeLessThan(setupCml);
    expect(setupCml).toBeLessThan(post);
    const postStep = all[post];
    expect(postStep?.run).toContain('--watermark-title="Pipeline report"');
    expect(postStep?.run).toMatch(/--publish pr\.md$/);
    expect(postStep?.['working-directory']).toBe('reports');
    expect(postStep?.env?.['REPO_TOKEN']).toBe('${{ secrets.GITHUB_TOKEN }}');
  });
});

describe('scripts/pr-report.sh', () => {
  const script = join(root, 'scripts/pr-report.sh');

  it('is executable, parses, and runs repro then the report against the base', async () => {
    accessSync(script, constants.X_OK);
    await execa('bash', ['-n', script]);
    const text = readFileSync(script, 'utf8');
    expect(text.indexOf('repro')).toBeLessThan(text.indexOf('report --base "$base" --out "$out"'));
  });

  it('refuses a base revision the clone does not have, saying how to fix it', async () => {
    const result = await execa(script, ['no-such-base-rev'], {cwd: root, reject: false});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('fetch-depth: 0');
  });
});

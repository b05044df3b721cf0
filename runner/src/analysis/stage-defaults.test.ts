import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {analyzePipelineIn} from './analyze.js';
import type {PipelinePlan} from './plan.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'runner-defaults-'));
});

afterEach(() => {
  rmSync(root, {recursive: true, force: true});
});

async function analyse(pipeline: string, params = ''): Promise<PipelinePlan> {
  writeFileSync(path.join(root, 'pipeline.yaml'), pipeline);
  writeFileSync(path.join(root, 'params.yaml'), params);
  const result = await analyzePipelineIn(
    {file: path.join(root, 'pipeline.yaml')},
    {plugins: {builtinDir: path.join(root, 'no-builtins'), runnerVersion: '0.0.0-test'}},
  );
  if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
  return result.value;
}

function limits(plan: PipelinePlan): Record<string, [number, number | undefined]> {
  return Object.fromEntries(
    [...plan.stages.values()].map((s) => [s.name, [s.retries, s.timeoutMs]] as const),
  );
}

describe('pipeline defaults for retries and timeout', () => {
  test("a stage's own value wins; unset fields take the default", async () => {
    const plan = await analyse(`defaults:
  retries: 2
  timeout: 10m
stages:
  plain: {cmd: echo a}
  no-retries: {cmd: echo b, retries: 0}
  short: {cmd: echo c, timeout: 30s}
  both: {cmd: echo d, retries: 5, timeout: 1h}
  each:
    foreach: [x, y]
    do:
      cmd: echo \${item}
`);
    expect(limits(plan)).toEqual({
      plain: [2, 600_000],
      'no-retries': [0, 600_000],
      short: [2, 30_000],
      both: [5, 3_600_000],
      'each@x': [2, 600_000],
      'each@y': [2, 600_000],
    });
  });

  test('one default alone leaves the other field at its built-in value', async () => {
    const plan = await analyse(`defaults: {timeout: 90}
stages:
  a: {cmd: echo a}
`);
    expect(limits(plan)).toEqual({a: [0, 90_000]});
  });

  test('without defaults a stage gets no retries and no timeout', async () => {
    expect(limits(await analyse('stages:\n  a: {cmd: echo a}\n'))).toEqual({a: [0, undefined]});
  });

  test('defaults may come from params through ${}', async () => {
    const plan = await analyse(
      `defaults:
  retries: \${limits.retries}
  timeout: \${limits.timeout}
stages:
  a: {cmd: echo a}
`,
      'limits: {retries: 3, timeout: 2m}\n',
    );
    expect(limits(plan)).toEqual({a: [3, 120_000]});
    // Defaults are not stage params: nothing is tracked for them.
    expect(plan.stages.get('a')!.params).toEqual([]);
  });
});

import {mkdtemp, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {Ajv} from 'ajv';
import {describe, expect, it} from 'vitest';
import {openRegistry, readAlias} from '../../runner/src/registry/index.js';
import {runPlugin} from '../../test/ml/run-plugin.js';
import {makeBundle} from '../../test/remote/registry-suite.js';
import deploy from './index.js';
import type {DeployReport} from './run-deploy.js';
import {testTmp} from '../../test/support/temp-dirs.js';

async function deployOnce(
  root: string,
  bundle: Awaited<ReturnType<typeof makeBundle>>,
  gates = {silhouette: {min: 0.3}},
) {
  const report = join(root, 'reports', 'deploy.json');
  await runPlugin(deploy, {
    params: {remote: '.runner/remote', name: 'segmentation', alias: 'staging', gates},
    root,
    deps: [bundle['model.json'], bundle['metrics.json'], bundle['recommendations.parquet']],
    metrics: [report],
  });
  return JSON.parse(await readFile(report, 'utf8')) as DeployReport;
}

describe('deploy plugin', () => {
  it('publishes idempotently and moves the alias only when the gates pass, saying why in deploy.json', async () => {
    const root = await mkdtemp(join(testTmp(), 'deploy-'));
    const registry = openRegistry('.runner/remote', root);
    const good = await makeBundle('good', 0.5);

    const first = await deployOnce(root, good);
    expect(first).toMatchObject({
      published: true,
      aliasMoved: true,
      alias: 'staging',
      gates: {passed: true},
    });
    expect(first.reason).toBe(`gates passed; staging moved from nothing to ${first.version}`);
    expect((await readAlias(registry, 'segmentation', 'staging'))?.version).toBe(first.version);

    const again = await deployOnce(root, good);
    expect(again).toMatchObject({version: first.version, published: false, aliasMoved: false});
    expect(again.reason).toBe(`gates passed; staging already points at ${first.version}`);

    const weak = await deployOnce(root, await makeBundle('weak', 0.1));
    expect(weak).toMatchObject({
      published: true,
      aliasMoved: false,
      aliasVersion: first.version,
      gates: {passed: false},
    });
    expect(weak.version).not.toBe(first.version);
    expect(weak.reason).toBe('gates failed: silhouette 0.1 < min 0.3');
    expect((await readAlias(registry, 'segmentation', 'staging'))?.version).toBe(first.version);
    // Keys are sorted so the report diffs cleanly.
    const text = await readFile(join(root, 'reports', 'deploy.json'), 'utf8');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(
      [...Object.keys(JSON.parse(text) as object)].sort(),
    );
  });

  it('validates its params: the remote is required, defaults apply, gates take only min/max numbers', () => {
    const validate = new Ajv({useDefaults: true}).compile(deploy.params);
    const params: Record<string, unknown> = {remote: 'gs://bucket/registry'};
    expect(validate(params)).toBe(true);
    expect(params).toEqual({
      remote: 'gs://bucket/registry',
      name: 'segmentation',
      alias: 'staging',
      gates: {},
    });
    expect(validate({})).toBe(false);
    expect(validate({remote: 'x', gates: {silhouette: {minimum: 0.3}}})).toBe(false);
    expect(validate({remote: 'x', gates: {silhouette: {min: '0.3'}}})).toBe(false);
    expect(validate({remote: 'x', gates: {silhouette: {}}})).toBe(false);
    expect(validate({remote: 'x', gates: {silhouette: {min: 0.3, max: 1}}})).toBe(true);
  });
});

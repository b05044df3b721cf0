import {copyFile, readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {outcomes, REPO_ROOT, Rig, type CliResult} from './rig.js';

// The flagship pipeline exactly as committed, run by the compiled CLI on the embedded sample.
let rig: Rig;
let first: CliResult;
beforeAll(async () => {
  rig = await Rig.create();
  for (const file of ['pipeline.yaml', 'params.yaml']) {
    await copyFile(path.join(REPO_ROOT, file), path.join(rig.dir, file));
  }
  first = await rig.run('repro', '--json');
}, 300_000);
afterAll(() => rig.cleanup());

describe('flagship pipeline on the embedded sample', () => {
  it('runs every stage green and writes the metrics and plots', async () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const ran = outcomes(first);
    expect(Object.values(ran).every((o) => o === 'run')).toBe(true);
    expect(Object.keys(ran).sort()).toEqual([
      'clean',
      'deploy',
      'download',
      'evaluate',
      'rfm',
      'seasonality',
      'train',
    ]);
    const deploy = JSON.parse(await rig.read('reports/deploy.json')) as Record<string, unknown>;
    expect(deploy).toMatchObject({published: true, aliasMoved: true, alias: 'staging'});
    const metrics = JSON.parse(await rig.read('reports/metrics.json')) as Record<string, unknown>;
    expect(metrics['n_clusters']).toBe(3);
    for (const key of ['silhouette', 'calinski_harabasz', 'davies_bouldin', 'inertia']) {
      expect(typeof metrics[key]).toBe('number');
    }
    const cleaning = JSON.parse(await rig.read('reports/cleaning.json')) as {
      rows_after: Record<string, number>;
    };
    const counts = Object.values(cleaning.rows_after);
    // Every cleaning rule but the status mark removes rows from the sample.
    expect(counts.filter((n, i) => i > 0 && n < (counts[i - 1] ?? 0)).length).toBe(
      counts.length - 2,
    );
  });

  it('a second run is fresh but for deploy, which always runs and publishes nothing new', async () => {
    const second = await rig.run('repro', '--json');
    expect(second.code).toBe(0);
    const {deploy, ...rest} = outcomes(second);
    expect(deploy).toBe('run');
    expect(new Set(Object.values(rest))).toEqual(new Set(['fresh']));
    const report = JSON.parse(await rig.read('reports/deploy.json')) as {published: boolean};
    expect(report.published).toBe(false);
  });

  it('changing train.k re-runs train and evaluate only, and reverting restores them from the cache', async () => {
    const before = await readFile(path.join(rig.dir, 'models/model.json'), 'utf8');
    const k4 = await rig.run('repro', '--json', '--set', 'train.k=4');
    expect(k4.code).toBe(0);
    const o = outcomes(k4);
    expect([o['train'], o['evaluate']]).toEqual(['run', 'run']);
    expect([o['download'], o['clean'], o['rfm'], o['seasonality']]).toEqual([
      'fresh',
      'fresh',
      'fresh',
      'fresh',
    ]);
    expect(
      (JSON.parse(await rig.read('reports/metrics.json')) as {n_clusters: number}).n_clusters,
    ).toBe(4);

    const back = await rig.run('repro', '--json');
    expect(outcomes(back)['train']).toBe('cached');
    expect(await rig.read('models/model.json')).toBe(before);
  });
});

import {copyFile, readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {StageEndEvent} from '../../runner/src/events/event.js';
import {outcomes, REPO_ROOT, Rig, type CliResult} from './rig.js';

const KS = [2, 3, 4, 5];
let rig: Rig;
let grid: CliResult;

async function md5(file: string): Promise<string> {
  const {createHash} = await import('node:crypto');
  return createHash('md5')
    .update(await readFile(file))
    .digest('hex');
}

beforeAll(async () => {
  rig = await Rig.create();
  for (const file of ['pipeline.yaml', 'params.yaml'])
    await copyFile(path.join(REPO_ROOT, file), path.join(rig.dir, file));
  grid = await rig.run('exp', 'run', '--json', '--grid', `train.k=${KS.join(',')}`);
}, 600_000);
afterAll(() => rig.cleanup());

type Tagged = StageEndEvent & {variant: number};

describe('experiments on the embedded sample', () => {
  it('a grid of 4 k values records 4 experiments and runs the shared upstream stages once', async () => {
    expect(grid.stderr).toBe('');
    expect(grid.code).toBe(0);
    const ends = grid.events.filter((e): e is Tagged => e.type === 'stage') as Tagged[];
    for (const stage of ['download', 'clean', 'rfm', 'seasonality']) {
      const byOutcome = ends
        .filter((e) => e.stage === stage)
        .map((e) => e.outcome)
        .sort();
      expect(byOutcome, stage).toEqual(['cached', 'cached', 'cached', 'run']);
    }
    for (const stage of ['train', 'evaluate']) {
      expect(ends.filter((e) => e.stage === stage && e.outcome === 'run')).toHaveLength(4);
    }
    const show = await rig.run('exp', 'show', '--json');
    const table = JSON.parse(show.stdout) as {rows: {params: Record<string, unknown>}[]};
    expect(table.rows.map((r) => r.params['train.k']).sort()).toEqual(KS);
    // The user's working tree is untouched: nothing was produced there.
    expect(await rig.readOr('reports/metrics.json', 'absent')).toBe('absent');
    expect(await rig.read('params.yaml')).toBe(
      await readFile(path.join(REPO_ROOT, 'params.yaml'), 'utf8'),
    );
  });

  it('their metrics equal those of separate repro --set runs', async () => {
    const table = JSON.parse((await rig.run('exp', 'show', '--json')).stdout) as {
      rows: {params: Record<string, unknown>; metrics: Record<string, unknown>}[];
    };
    for (const k of KS) {
      const run = await rig.run('repro', '--json', '--set', `train.k=${k}`);
      expect(run.code).toBe(0);
      const metrics = JSON.parse(await rig.read('reports/metrics.json')) as Record<string, unknown>;
      const row = table.rows.find((r) => r.params['train.k'] === k);
      for (const key of [
        'silhouette',
        'calinski_harabasz',
        'davies_bouldin',
        'inertia',
        'n_clusters',
      ]) {
        expect(row?.metrics[key], `k=${k} ${key}`).toBe(metrics[key]);
      }
    }
  });

  it('exp apply restores an experiment byte-identical without running a stage', async () => {
    const table = JSON.parse((await rig.run('exp', 'show', '--json')).stdout) as {
      rows: {id: string; params: Record<string, unknown>}[];
    };
    const k3 = table.rows.find((r) => r.params['train.k'] === 3);
    await rig.run('repro', '--json', '--set', 'train.k=3');
    const expected = await md5(path.join(rig.dir, 'models/model.json'));
    await rig.run('repro', '--json', '--set', 'train.k=5');
    expect(await md5(path.join(rig.dir, 'models/model.json'))).not.toBe(expected);

    const apply = await rig.run('exp', 'apply', k3?.id ?? '');
    expect(apply.code).toBe(0);
    expect(await md5(path.join(rig.dir, 'models/model.json'))).toBe(expected);
    expect(await rig.read('params.yaml')).toMatch(/\n {2}k: 3\n/);
    const after = await rig.run('repro', '--json');
    const {deploy, ...rest} = outcomes(after);
    expect(deploy).toBe('run');
    expect(new Set(Object.values(rest))).toEqual(new Set(['fresh']));
  });

  it('exp plot draws the parallel-coordinates and metric-versus-param plots', async () => {
    const result = await rig.run('exp', 'plot', '--out', 'plots');
    expect(result.code).toBe(0);
    for (const name of ['parallel-coordinates.png', 'silhouette-by-train.k.png']) {
      const png = await readFile(path.join(rig.dir, 'plots', name));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      expect(width).toBeGreaterThan(400);
      expect(height).toBeGreaterThan(300);
    }
    const spec = JSON.parse(await rig.read('plots/parallel-coordinates.vl.json')) as {
      layer: {data: {values: {axis: string}[]}}[];
    };
    expect(new Set(spec.layer[1]?.data.values.map((v) => v.axis))).toEqual(
      new Set(['train.k', 'silhouette', 'davies_bouldin', 'calinski_harabasz', 'inertia']),
    );
  });
});

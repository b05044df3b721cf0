import {mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {Ajv} from 'ajv';
import {compile, type TopLevelSpec} from 'vega-lite';
import {beforeAll, describe, expect, it} from 'vitest';
import metricsSchema from '../../schemas/metrics.schema.json' with {type: 'json'};
import {parseModel} from '../../runner/src/model/index.js';
import {fitKMeans} from '../../runner/src/model/ml/kmeans.js';
import {matrix} from '../../runner/src/model/ml/matrix.js';
import {silhouette} from '../../runner/src/model/ml/metrics.js';
import type {FeatureTables} from '../../test/ml/reference-features.js';
import {runPlugin} from '../../test/ml/run-plugin.js';
import {writeSyntheticFeatures} from '../../test/ml/synthetic-features.js';
import train from '../train/index.js';
import {withTrainDefaults} from '../train/params.js';
import evaluatePlugin from './index.js';
import {evaluate} from './compute-metrics.js';
import {testTmp} from '../../test/support/temp-dirs.js';

interface Run {
  dir: string;
  metrics: Record<string, unknown>;
  byK: {
    best_k: number;
    sampled: boolean;
    silhouette: Record<string, number>;
    inertia: Record<string, number>;
  };
  files: string[];
}

async function trainAndEvaluate(
  tables: FeatureTables,
  k: number | 'auto',
  threads: number,
): Promise<Run> {
  const dir = mkdtempSync(path.join(testTmp(), 'evaluate-'));
  const outs = ['model.json', 'segments.parquet', 'recommendations.parquet'].map((p) =>
    path.join(dir, p),
  );
  await runPlugin(train, {
    params: withTrainDefaults({k, kRange: [2, 6], nInit: 4}),
    root: dir,
    deps: [tables.customers, tables.seasonality, tables.clean],
    outs,
    threads,
  });
  const metrics = ['reports/metrics.json', 'reports/silhouette_by_k.json'].map((p) =>
    path.join(dir, p),
  );
  const plots = path.join(dir, 'reports/plots');
  await runPlugin(evaluatePlugin, {
    params: {silhouetteSampleSize: 20000},
    root: dir,
    deps: [outs[0] as string, outs[1] as string],
    metrics,
    plots: [plots],
    threads,
  });
  const files = [
    ...metrics,
    ...readdirSync(plots)
      .sort()
      .map((f) => path.join(plots, f)),
  ];
  return {
    dir,
    metrics: JSON.parse(readFileSync(metrics[0] as string, 'utf8')) as Record<string, unknown>,
    byK: JSON.parse(readFileSync(metrics[1] as string, 'utf8')) as Run['byK'],
    files,
  };
}

describe('evaluate plugin', () => {
  let tables: FeatureTables;
  let run: Run;

  beforeAll(async () => {
    tables = await writeSyntheticFeatures(mkdtempSync(path.join(testTmp(), 'features-')));
    run = await trainAndEvaluate(tables, 'auto', 1);
  });

  it('writes metrics.json matching its schema, with sizes of the non-outliers', () => {
    const validate = new Ajv({strict: false}).compile(metricsSchema);
    expect(validate(run.metrics), JSON.stringify(validate.errors)).toBe(true);
    const model = parseModel(readFileSync(path.join(run.dir, 'model.json'), 'utf8'));
    expect(run.metrics['n_clusters']).toBe(model.kmeans.k);
    expect(run.metrics['sizes']).toEqual(model.clusters.map((c) => c.size));
    expect(run.metrics['n_samples']).toBe(300 - model.training.outliers);
    expect(run.metrics['silhouette_sampled']).toBe(false);
    expect(run.metrics['components']).toBe(model.pca.components.length);
  });

  it('sweeps kRange with the training settings: k auto agrees with the best silhouette', () => {
    const model = parseModel(readFileSync(path.join(run.dir, 'model.json'), 'utf8'));
    expect(Object.keys(run.byK.silhouette)).toEqual(['2', '3', '4', '5', '6']);
    expect(run.byK.best_k).toBe(model.kmeans.k);
    expect(run.byK.silhouette[String(model.kmeans.k)]).toBe(run.metrics['silhouette']);
  });

  it('writes byte-identical reports with 1 or 2 threads', async () => {
    const again = await trainAndEvaluate(tables, 'auto', 2);
    expect(again.files.map((f) => path.basename(f))).toEqual(
      run.files.map((f) => path.basename(f)),
    );
    run.files.forEach((f, i) => {
      expect(readFileSync(again.files[i] as string).equals(readFileSync(f)), path.basename(f)).toBe(
        true,
      );
    });
  });

  it('writes four Vega-Lite specs with their data, which compile', () => {
    const plots = path.join(run.dir, 'reports/plots');
    const names = readdirSync(plots).sort();
    expect(names).toEqual([
      'cluster-profiles.data.json',
      'cluster-profiles.json',
      'cluster-sizes.data.json',
      'cluster-sizes.json',
      'pca-scatter.data.json',
      'pca-scatter.json',
      'silhouette-by-k.data.json',
      'silhouette-by-k.json',
    ]);
    for (const name of names.filter((n) => !n.endsWith('.data.json'))) {
      const spec = JSON.parse(readFileSync(path.join(plots, name), 'utf8')) as Record<
        string,
        unknown
      >;
      const dataFile = (spec['data'] as {url: string}).url;
      const values = JSON.parse(readFileSync(path.join(plots, dataFile), 'utf8')) as unknown[];
      expect(values.length).toBeGreaterThan(0);
      expect(() => compile({...spec, data: {values}} as unknown as TopLevelSpec)).not.toThrow();
    }
    const scatter = JSON.parse(
      readFileSync(path.join(plots, 'pca-scatter.data.json'), 'utf8'),
    ) as unknown[];
    expect(scatter).toHaveLength(300);
  });

  it('samples silhouettes with a seed above the sample size, and says so', async () => {
    const model = parseModel(readFileSync(path.join(run.dir, 'model.json'), 'utf8'));
    // Two well separated groups on a line: every silhouette, sampled or not, is close to 1.
    const n = 400;
    const x = matrix(n, model.pca.components.length);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i < 300 ? 0 : 1;
      x.data[i * x.cols] = (i < 300 ? 0 : 1000) + (i % 7);
    }
    const small = {
      ...model,
      kmeans: {
        k: 2,
        centroids: [
          [3, ...new Array<number>(x.cols - 1).fill(0)],
          [1003, ...new Array<number>(x.cols - 1).fill(0)],
        ],
      },
    };
    const sampled = await evaluate(small, x, labels, [2, 3], 100);
    const exact = await evaluate(small, x, labels, [2, 3], 20000);
    expect(sampled.metrics.silhouette_sampled).toBe(true);
    expect(exact.metrics.silhouette_sampled).toBe(false);
    expect(exact.metrics.silhouette).toBe(silhouette(x, labels));
    expect(sampled.metrics.silhouette).not.toBe(exact.metrics.silhouette);
    expect(Math.abs(sampled.metrics.silhouette - exact.metrics.silhouette)).toBeLessThan(0.01);
    expect((await evaluate(small, x, labels, [2, 3], 100)).metrics.silhouette).toBe(
      sampled.metrics.silhouette,
    );
    await expect(evaluate(small, x, labels, [5, 3], 100)).rejects.toThrow(
      /kRange \[5, 3\] is empty/,
    );
    // The sweep refits k-means with the model's settings.
    expect(exact.byK.inertia['2']).toBe(fitKMeans(x, {...model.training.kmeans, k: 2}).inertia);
  });
});

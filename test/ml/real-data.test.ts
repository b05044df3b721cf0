import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {DuckDBInstance} from '@duckdb/node-api';
import {beforeAll, describe, expect, it} from 'vitest';
import {parseModel, score, type SegmentationModel} from '../../runner/src/model/index.js';
import {expectAgree} from './test-support.js';
import evaluatePlugin from '../../plugins/evaluate/index.js';
import train from '../../plugins/train/index.js';
import {withTrainDefaults} from '../../plugins/train/params.js';
import {REAL_CSV, writeReferenceFeatures, type FeatureTables} from './reference-features.js';
import {runPlugin} from './run-plugin.js';
import {testTmp} from '../support/temp-dirs.js';

const hasData = existsSync(REAL_CSV);
const hasSklearn = existsSync('/usr/bin/python3');
if (!hasData) console.warn(`Skipping the ML acceptance tests: ${REAL_CSV} is absent.`);
const REFERENCE = path.resolve(import.meta.dirname, '../fixtures/sklearn/reference_metrics.py');
const REFERENCE_FOREST = path.resolve(
  import.meta.dirname,
  '../fixtures/sklearn/reference_iforest.py',
);

interface SegmentRow {
  CustomerID: number;
  cluster: number;
  is_outlier: boolean;
  [pc: string]: number | boolean;
}

describe.skipIf(!hasData)('train on the real Online Retail data', () => {
  const dir = mkdtempSync(path.join(testTmp(), 'ml-real-'));
  let tables: FeatureTables;
  let model: SegmentationModel;
  let segments: SegmentRow[];
  let metrics: Record<string, number>;
  const outs = ['models/model.json', 'segments.parquet', 'recommendations.parquet'].map((p) =>
    path.join(dir, p),
  );

  beforeAll(async () => {
    tables = await writeReferenceFeatures(REAL_CSV, dir);
    await runPlugin(train, {
      params: withTrainDefaults({}),
      root: dir,
      deps: [tables.customers, tables.seasonality, tables.clean],
      outs,
    });
    model = parseModel(readFileSync(outs[0] as string, 'utf8'));
    const metricsPaths = [
      path.join(dir, 'reports/metrics.json'),
      path.join(dir, 'reports/silhouette_by_k.json'),
    ];
    await runPlugin(evaluatePlugin, {
      params: {silhouetteSampleSize: 20000},
      root: dir,
      deps: [outs[0] as string, outs[1] as string],
      metrics: metricsPaths,
      plots: [path.join(dir, 'reports/plots')],
    });
    metrics = JSON.parse(readFileSync(metricsPaths[0] as string, 'utf8')) as Record<string, number>;
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    segments = (
      await db.runAndReadAll(`SELECT * FROM '${outs[1]}'`)
    ).getRowObjectsJson() as unknown as SegmentRow[];
    db.closeSync();
    instance.closeSync();
  }, 300_000);

  it('flags 5% of the 4,362 customers as outliers', () => {
    expect(segments).toHaveLength(4362);
    expect(model.training.outliers).toBe(219);
    expect(segments.filter((s) => s.is_outlier)).toHaveLength(219);
  });

  it.skipIf(!hasSklearn)(
    "flags outliers that overlap scikit-learn's as much as its own seeds overlap each other",
    async () => {
      const instance = await DuckDBInstance.create(':memory:');
      const db = await instance.connect();
      const csv = path.join(dir, 'features.csv');
      const columns = ['CustomerID', ...model.features].map((c) => `"${c}"`).join(', ');
      await db.run(
        `COPY (SELECT ${columns} FROM '${tables.customers}' JOIN '${tables.seasonality}' USING (CustomerID)
         ORDER BY CustomerID) TO '${csv}' (HEADER)`,
      );
      db.closeSync();
      instance.closeSync();
      const ref = JSON.parse(
        execFileSync('/usr/bin/python3', [REFERENCE_FOREST, csv], {encoding: 'utf8'}),
      ) as {seeds: number[][]};
      const jaccard = (a: Set<number>, b: Set<number>): number => {
        let both = 0;
        for (const v of a) if (b.has(v)) both++;
        return both / (a.size + b.size - both);
      };
      const ours = new Set(segments.filter((s) => s.is_outlier).map((s) => s.CustomerID));
      const theirs = ref.seeds.map((ids) => new Set(ids));
      const withOurs = theirs.map((t) => jaccard(ours, t));
      const amongThem = theirs.flatMap((a, i) => theirs.slice(i + 1).map((b) => jaccard(a, b)));
      const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
      console.warn(
        `outlier Jaccard ours vs scikit-learn seeds: ${withOurs.map((j) => j.toFixed(3)).join(' ')} ` +
          `(mean ${mean(withOurs).toFixed(3)}); among scikit-learn seeds: mean ${mean(amongThem).toFixed(3)}, ` +
          `min ${Math.min(...amongThem).toFixed(3)}`,
      );
      for (const t of theirs) expect(t.size).toBe(219);
      expect(mean(withOurs)).toBeGreaterThan(Math.min(...amongThem) - 0.05);
    },
    300_000,
  );

  it('writes byte-identical outputs with 2 threads', async () => {
    const again = ['model.json', 'segments.parquet', 'recommendations.parquet'].map((p) =>
      path.join(dir, 'again', p),
    );
    await runPlugin(train, {
      params: withTrainDefaults({}),
      root: dir,
      deps: [tables.customers, tables.seasonality, tables.clean],
      outs: again,
      threads: 2,
    });
    again.forEach((p, i) => {
      expect(readFileSync(p).equals(readFileSync(outs[i] as string)), p).toBe(true);
    });
  }, 300_000);

  it('keeps 8 PCA components (cumulative ratio about 0.7955 at 7, 0.8536 at 8)', () => {
    const ratios = model.pca.explainedVarianceRatio;
    expect(ratios).toHaveLength(8);
    const at = (n: number): number => ratios.slice(0, n).reduce((s, v) => s + v, 0);
    console.warn(`PCA cumulative ratio: 7 -> ${at(7)}, 8 -> ${at(8)}`);
    expect(at(7)).toBeLessThan(0.8);
    expect(at(8)).toBeGreaterThanOrEqual(0.8);
    expect(Math.abs(at(7) - 0.7955)).toBeLessThan(0.01);
    expect(Math.abs(at(8) - 0.8536)).toBeLessThan(0.01);
  });

  it('orders clusters by size and names them', () => {
    const sizes = model.clusters.map((c) => c.size);
    console.warn(
      `cluster sizes ${sizes.join(' / ')}; names: ${model.clusters.map((c) => c.name).join(' | ')}`,
    );
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes.reduce((s, v) => s + v, 0)).toBe(4362 - 219);
    expect(new Set(model.clusters.map((c) => c.name)).size).toBe(model.kmeans.k);
  });

  it('scoring every customer gives back its segment row', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const rows = (
      await db.runAndReadAll(
        `SELECT * FROM '${tables.customers}' JOIN '${tables.seasonality}' USING (CustomerID) ORDER BY CustomerID`,
      )
    ).getRowObjectsJson();
    db.closeSync();
    instance.closeSync();
    rows.forEach((row, i) => {
      const raw = Object.fromEntries(model.features.map((f) => [f, Number(row[f])]));
      const p = score(model, raw);
      const seg = segments[i] as SegmentRow;
      expect(seg.CustomerID).toBe(Number(row['CustomerID']));
      expect(p.cluster).toBe(seg.cluster);
      expect(p.isOutlier).toBe(seg.is_outlier);
      p.components.forEach((v, c) => expect(v).toBe(seg[`PC${c + 1}`]));
    });
  });

  it.skipIf(!hasSklearn)(
    'matches scikit-learn: metrics on our labels to 1e-9, inertia within 1% of its best of 10 seeds',
    () => {
      const inliers = segments.filter((s) => !s.is_outlier);
      const n = model.pca.components.length;
      const header = [...Array.from({length: n}, (_, c) => `PC${c + 1}`), 'label'].join(',');
      const lines = inliers.map((s) =>
        [...Array.from({length: n}, (_, c) => s[`PC${c + 1}`]), s.cluster].join(','),
      );
      const csv = path.join(dir, 'kmeans-input.csv');
      writeFileSync(csv, `${header}\n${lines.join('\n')}\n`);
      const ref = JSON.parse(
        execFileSync('/usr/bin/python3', [REFERENCE, csv, String(model.kmeans.k)], {
          encoding: 'utf8',
        }),
      ) as {
        silhouette: number;
        calinski_harabasz: number;
        davies_bouldin: number;
        best_inertia: number;
      };
      let inertia = 0;
      for (const s of inliers) {
        const c = model.kmeans.centroids[s.cluster] as number[];
        for (let j = 0; j < n; j++)
          inertia += ((s[`PC${j + 1}`] as number) - (c[j] as number)) ** 2;
      }
      console.warn(
        `inertia ours ${inertia} vs scikit-learn best of 10 seeds ${ref.best_inertia} (ratio ${inertia / ref.best_inertia})`,
      );
      expect(inertia / ref.best_inertia).toBeLessThan(1.01);
      console.warn(
        `scikit-learn on our labels: ${JSON.stringify(ref)}; ours: ${JSON.stringify(metrics)}`,
      );
      expectAgree(metrics['inertia'] as number, inertia, 'inertia');
      expectAgree(metrics['silhouette'] as number, ref.silhouette, 'silhouette');
      expectAgree(
        metrics['calinski_harabasz'] as number,
        ref.calinski_harabasz,
        'calinski_harabasz',
      );
      expectAgree(metrics['davies_bouldin'] as number, ref.davies_bouldin, 'davies_bouldin');
    },
    // scikit-learn fits 10 x 10 k-means here; slow on a busy machine.
    300_000,
  );
});

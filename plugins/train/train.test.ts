import {mkdtempSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {DuckDBInstance} from '@duckdb/node-api';
import {beforeAll, describe, expect, it} from 'vitest';
import {parseModel, score, type SegmentationModel} from '../../runner/src/model/index.js';
import type {FeatureTables} from '../../test/ml/reference-features.js';
import {runPlugin} from '../../test/ml/run-plugin.js';
import {writeSyntheticFeatures} from '../../test/ml/synthetic-features.js';
import train from './index.js';
import {withTrainDefaults, type TrainParams} from './params.js';
import {testTmp} from '../../test/support/temp-dirs.js';

const OUT_NAMES = ['models/model.json', 'segments.parquet', 'recommendations.parquet'];

async function trainInto(
  tables: FeatureTables,
  params: Partial<TrainParams>,
  threads: number,
): Promise<{dir: string; outs: string[]}> {
  const dir = mkdtempSync(path.join(testTmp(), 'train-'));
  const outs = OUT_NAMES.map((p) => path.join(dir, p));
  await runPlugin(train, {
    params: withTrainDefaults(params),
    root: dir,
    deps: [tables.customers, tables.seasonality, tables.clean],
    outs,
    threads,
  });
  return {dir, outs};
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    return (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

describe('train plugin', () => {
  let tables: FeatureTables;
  let first: {dir: string; outs: string[]};
  let model: SegmentationModel;

  beforeAll(async () => {
    tables = await writeSyntheticFeatures(mkdtempSync(path.join(testTmp(), 'features-')));
    first = await trainInto(tables, {}, 1);
    model = parseModel(readFileSync(first.outs[0] as string, 'utf8'));
  });

  it('writes byte-identical outputs for the same seed, with 1 or 2 threads', async () => {
    const again = await trainInto(tables, {}, 2);
    first.outs.forEach((p, i) => {
      expect(readFileSync(again.outs[i] as string).equals(readFileSync(p)), OUT_NAMES[i]).toBe(
        true,
      );
    });
  });

  it('writes a valid model with the defaults of SEMANTICS.md', () => {
    expect(model.features).toHaveLength(15);
    expect(model.kmeans.k).toBe(3);
    expect(model.isolationForest.trees).toHaveLength(100);
    expect(model.isolationForest.maxSamples).toBe(256);
    // 299 * 0.05 = 14.95: sorted indices 0..14 lie below the threshold.
    expect(model.training.outliers).toBe(15);
    expect(model.training.dataHash).toMatch(/^[0-9a-f]{32}$/);
    const cumulative = model.pca.explainedVarianceRatio.reduce((s, v) => s + v, 0);
    const withoutLast = cumulative - (model.pca.explainedVarianceRatio.at(-1) as number);
    expect(cumulative).toBeGreaterThanOrEqual(0.8);
    expect(withoutLast).toBeLessThan(0.8);
    expect(Object.keys(model.histograms)).toEqual([...model.features].sort());
    for (const h of Object.values(model.histograms)) {
      expect(h.edges).toHaveLength(11);
      expect(h.counts.reduce((s, v) => s + v, 0)).toBe(300 - 15);
    }
    const text = readFileSync(first.outs[0] as string, 'utf8');
    expect(text).not.toMatch(/silhouette|inertia/);
  });

  it('segments: one row per customer, ordered, labels equal to scoring the raw features', async () => {
    const rows = await query(
      `SELECT * FROM '${first.outs[1]}' s JOIN '${tables.customers}' USING (CustomerID)
       JOIN '${tables.seasonality}' USING (CustomerID) ORDER BY s.CustomerID`,
    );
    const columns = Object.keys((await query(`SELECT * FROM '${first.outs[1]}' LIMIT 1`))[0] ?? {});
    const n = model.pca.components.length;
    expect(columns).toEqual([
      'CustomerID',
      ...Array.from({length: n}, (_, c) => `PC${c + 1}`),
      'cluster',
      'is_outlier',
    ]);
    expect(rows).toHaveLength(300);
    let outliers = 0;
    rows.forEach((row) => {
      const p = score(model, Object.fromEntries(model.features.map((f) => [f, Number(row[f])])));
      expect(p.cluster).toBe(row['cluster']);
      expect(p.isOutlier).toBe(row['is_outlier']);
      if (row['is_outlier']) outliers++;
    });
    expect(outliers).toBe(model.training.outliers);
    const sizes = model.clusters.map((c) => c.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const inlierSizes = await query(
      `SELECT cluster, count(*)::INTEGER AS n FROM '${first.outs[1]}' WHERE NOT is_outlier GROUP BY 1 ORDER BY 1`,
    );
    expect(inlierSizes.map((r) => r['n'])).toEqual(sizes);
  });

  it('recommends, per customer, the first cluster top products not bought, in order', async () => {
    const seg = await query(`SELECT CustomerID, cluster, is_outlier FROM '${first.outs[1]}'`);
    const clean = await query(
      `SELECT CustomerID, StockCode, Description, Quantity FROM '${tables.clean}'`,
    );
    const recs = await query(`SELECT * FROM '${first.outs[2]}'`);
    const clusterOf = new Map(seg.map((r) => [r['CustomerID'], r['cluster'] as number]));
    const outlier = new Set(seg.filter((r) => r['is_outlier']).map((r) => r['CustomerID']));
    // Independent computation of SEMANTICS.md step 5.
    const totals = new Map<string, number>();
    for (const r of clean) {
      if (outlier.has(r['CustomerID'])) continue;
      const key = `${clusterOf.get(r['CustomerID'])}\u0000${r['StockCode']}\u0000${r['Description']}`;
      totals.set(key, (totals.get(key) ?? 0) + (r['Quantity'] as number));
    }
    const top = new Map<number, {code: string; description: string}[]>();
    for (const [key, total] of [...totals].sort(([a, ta], [b, tb]) => {
      const [, ca = '', da = ''] = a.split('\u0000');
      const [, cb = '', db = ''] = b.split('\u0000');
      return tb - ta || (ca < cb ? -1 : ca > cb ? 1 : da < db ? -1 : da > db ? 1 : 0);
    })) {
      void total;
      const [cluster = '', code = '', description = ''] = key.split('\u0000');
      const list = top.get(Number(cluster)) ?? [];
      if (list.length < 10) list.push({code, description});
      top.set(Number(cluster), list);
    }
    const bought = new Set(clean.map((r) => `${r['CustomerID']}\u0000${r['StockCode']}`));
    const expected = [...seg]
      .sort(
        (a, b) =>
          (a['cluster'] as number) - (b['cluster'] as number) ||
          (a['CustomerID'] as number) - (b['CustomerID'] as number),
      )
      .flatMap((s) =>
        (top.get(s['cluster'] as number) ?? [])
          .filter((p) => !bought.has(`${s['CustomerID']}\u0000${p.code}`))
          .slice(0, 3)
          .map((p, i) => ({
            cluster: s['cluster'],
            CustomerID: s['CustomerID'],
            rank: i + 1,
            StockCode: p.code,
            Description: p.description,
          })),
      );
    expect(recs.map(({cluster_quantity: _q, ...r}) => r)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(300);
  });

  it('k: auto picks the k with the best silhouette over kRange', async () => {
    const auto = await trainInto(tables, {k: 'auto', kRange: [2, 5], nInit: 3}, 1);
    const m = parseModel(readFileSync(auto.outs[0] as string, 'utf8'));
    expect(m.kmeans.k).toBeGreaterThanOrEqual(2);
    expect(m.kmeans.k).toBeLessThanOrEqual(5);
    expect(m.training.kmeans.kRange).toEqual([2, 5]);
  });

  it('honours a fixed number of components and L2 / standardize lists', async () => {
    const custom = await trainInto(
      tables,
      {
        nComponents: 2,
        l2Normalize: ['Total_Spend', 'Monthly_Spending_Mean'],
        standardize: ['Total_Spend', 'Hour'],
      },
      1,
    );
    const m = parseModel(readFileSync(custom.outs[0] as string, 'utf8'));
    expect(m.pca.components).toHaveLength(2);
    expect(m.scaler.standardize).toEqual(['Total_Spend', 'Hour']);
    expect(m.scaler.mean[m.features.indexOf('Days_Since_Last_Purchase')]).toBe(0);
    expect(m.scaler.std[m.features.indexOf('Days_Since_Last_Purchase')]).toBe(1);
    const rows = await query(
      `SELECT * FROM '${custom.outs[1]}' s JOIN '${tables.customers}' USING (CustomerID)
       JOIN '${tables.seasonality}' USING (CustomerID) ORDER BY s.CustomerID LIMIT 40`,
    );
    for (const row of rows) {
      const p = score(m, Object.fromEntries(m.features.map((f) => [f, Number(row[f])])));
      expect(p.cluster).toBe(row['cluster']);
      expect(p.components).toEqual([row['PC1'], row['PC2']]);
    }
  });

  it('says which columns are missing from a feature table', async () => {
    const dir = mkdtempSync(path.join(testTmp(), 'bad-'));
    const broken = path.join(dir, 'customers.parquet');
    await query(
      `COPY (SELECT * EXCLUDE (Hour) FROM '${tables.customers}') TO '${broken}' (FORMAT parquet)`,
    );
    await expect(trainInto({...tables, customers: broken}, {}, 1)).rejects.toThrow(
      /customers\.parquet .* lacks column\(s\) Hour/,
    );
  });

  it('refuses unknown feature names in params', async () => {
    await expect(trainInto(tables, {l2Normalize: ['Spend']}, 1)).rejects.toThrow(
      /unknown features: Spend/,
    );
  });
});

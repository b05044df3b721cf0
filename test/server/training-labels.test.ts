import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {mkdir} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {DuckDBInstance} from '@duckdb/node-api';
import {Ajv} from 'ajv';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import clean from '../../plugins/clean/index.js';
import download from '../../plugins/download/index.js';
import rfm from '../../plugins/rfm/index.js';
import seasonality from '../../plugins/seasonality/index.js';
import train from '../../plugins/train/index.js';
import {createStageContext} from '../../runner/src/execution/stage-context.js';
import {score} from '../../runner/src/model/index.js';
import type {PluginDefinition} from '../../runner/src/plugin-api/index.js';
import {buildServer, fileModelSource} from '../../runner/src/server/index.js';
import {fixtureModel, trainingRows} from './fixture.js';
import {fixtureServer, predict} from './helpers.js';

describe('every training row is predicted with its training label', () => {
  it('fixture rows: the label the model itself gives, and the one scikit-learn gave', async () => {
    const app = await fixtureServer();
    const res = await predict(app, {instances: trainingRows.map((r) => r.features)});
    expect(res.statusCode).toBe(200);
    const predictions = res.json().predictions as {cluster: number; is_outlier: boolean}[];
    expect(predictions).toHaveLength(trainingRows.length);
    const wrong = trainingRows.filter((row, i) => {
      const own = score(fixtureModel, row.features);
      const p = predictions[i]!;
      return (
        p.cluster !== own.cluster ||
        p.is_outlier !== own.isOutlier ||
        p.cluster !== row.cluster ||
        p.is_outlier !== row.isOutlier
      );
    });
    expect(wrong.map((r) => r.CustomerID)).toEqual([]);
  });
});

/**
 * The flagship stages on the built-in sample data, run as the runner runs them (a real stage
 * context, DuckDB), then the model they wrote is served and every customer's prediction is
 * compared with its row in segments.parquet.
 */
describe('the train stage: predictions equal segments.parquet labels', () => {
  const root = mkdtempSync(join(tmpdir(), 'serve-train-'));
  const path = (p: string): string => join(root, p);
  afterAll(() => rmSync(root, {recursive: true, force: true}));

  beforeAll(async () => {
    await runStage(download, {url: 'sample:?rows=20000'}, [], ['data/raw/transactions.parquet']);
    await runStage(
      clean,
      {},
      ['data/raw/transactions.parquet'],
      ['data/interim/clean.parquet'],
      ['reports/cleaning.json'],
    );
    await runStage(rfm, {}, ['data/interim/clean.parquet'], ['data/features/customers.parquet']);
    await runStage(
      seasonality,
      {},
      ['data/interim/clean.parquet'],
      ['data/features/seasonality.parquet'],
    );
    await runStage(
      train,
      {},
      [
        'data/features/customers.parquet',
        'data/features/seasonality.parquet',
        'data/interim/clean.parquet',
      ],
      [
        'models/model.json',
        'data/processed/segments.parquet',
        'data/processed/recommendations.parquet',
      ],
    );
  }, 300_000);

  async function runStage<P>(
    plugin: PluginDefinition<P>,
    params: Record<string, unknown>,
    deps: string[],
    outs: string[],
    metrics: string[] = [],
  ): Promise<void> {
    const withDefaults = structuredClone(params);
    new Ajv({useDefaults: true, strict: false}).compile(plugin.params)(withDefaults);
    for (const p of [...outs, ...metrics]) await mkdir(dirname(path(p)), {recursive: true});
    const ctx = createStageContext({
      stage: plugin.name,
      params: withDefaults as P,
      root,
      deps: deps.map(path),
      outs: outs.map(path),
      metrics: metrics.map(path),
      plots: [],
      tmpdir: mkdtempSync(join(root, 'tmp-')),
      threads: 1,
      signal: new AbortController().signal,
    });
    try {
      await plugin.run(ctx);
    } finally {
      await ctx.close();
    }
  }

  it('serves the model with its recommendations and labels every customer as trained', async () => {
    expect(existsSync(path('data/processed/segments.parquet'))).toBe(true);
    // models/model.json finds ../data/processed/recommendations.parquet by itself.
    const app = await buildServer({model: fileModelSource(path('models/model.json'))});
    try {
      const db = await DuckDBInstance.create(':memory:');
      const con = await db.connect();
      const rows = (
        await con.runAndReadAll(
          `SELECT s.CustomerID, s.cluster, s.is_outlier, c.* EXCLUDE (CustomerID), z.* EXCLUDE (CustomerID)
           FROM '${path('data/processed/segments.parquet')}' s
           JOIN '${path('data/features/customers.parquet')}' c USING (CustomerID)
           JOIN '${path('data/features/seasonality.parquet')}' z USING (CustomerID)
           ORDER BY s.CustomerID`,
        )
      ).getRowObjectsJS();
      con.closeSync();
      db.closeSync();
      const features = app.models.current.model.features;
      expect(rows.length).toBeGreaterThan(100);

      const wrong: string[] = [];
      for (let start = 0; start < rows.length; start += 1000) {
        const batch = rows.slice(start, start + 1000);
        const res = await predict(app, {
          instances: batch.map((r) => Object.fromEntries(features.map((f) => [f, Number(r[f])]))),
        });
        expect(res.statusCode).toBe(200);
        res.json().predictions.forEach((p: {cluster: number; is_outlier: boolean}, i: number) => {
          const row = batch[i]!;
          if (p.cluster !== row['cluster'] || p.is_outlier !== row['is_outlier']) {
            wrong.push(
              `${String(row['CustomerID'])}: ${p.cluster}/${p.is_outlier} vs ${String(row['cluster'])}/${String(row['is_outlier'])}`,
            );
          }
        });
      }
      expect(wrong).toEqual([]);

      const first = rows[0]!;
      const recs = await app.inject(`/customers/${String(first['CustomerID'])}/recommendations`);
      expect(recs.statusCode).toBe(200);
      expect(recs.json().recommendations.length).toBeGreaterThan(0);
      expect(recs.json().recommendations[0].cluster).toBe(first['cluster']);
    } finally {
      await app.close();
    }
  });
});

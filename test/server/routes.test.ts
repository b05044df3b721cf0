import {describe, expect, it} from 'vitest';
import {score, scoreComponents} from '../../runner/src/model/index.js';
import {fixtureModel, fixtureModelPath, fixtureModelText, trainingRows} from './fixture.js';
import {createHash} from 'node:crypto';
import {clusterMeanInstance, componentsInstance, fixtureServer, predict} from './helpers.js';

describe('GET /health', () => {
  it('reports the model version (md5 of model.json), data hash and uptime', async () => {
    const app = await fixtureServer();
    const res = await app.inject('/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.model.version).toBe(createHash('md5').update(fixtureModelText).digest('hex'));
    expect(body.model.dataHash).toBe(fixtureModel.training.dataHash);
    expect(body.model.clusters).toEqual([
      {id: 0, name: 'dormant small buyers'},
      {id: 1, name: 'regular customers'},
      {id: 2, name: 'recent high spenders'},
    ]);
    expect(body.model.recommendations.customers).toBe(480);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.lastReloadFailure).toBeNull();
  });
});

describe('POST /predict', () => {
  it('scores raw feature instances as the model does, in request order', async () => {
    const app = await fixtureServer();
    const rows = [trainingRows[0], trainingRows[1], trainingRows[2]].map((r) => r!.features);
    const res = await predict(app, {instances: rows});
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      predictions: rows.map((row) => {
        const p = score(fixtureModel, row);
        return {cluster: p.cluster, name: p.name, distance: p.distance, is_outlier: p.isOutlier};
      }),
    });
  });

  it('scores PCA component instances with is_outlier null', async () => {
    const app = await fixtureServer();
    const centroid = fixtureModel.kmeans.centroids[2]!;
    const res = await predict(app, {instances: [componentsInstance(centroid)]});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      predictions: [{cluster: 2, name: 'recent high spenders', distance: 0, is_outlier: null}],
    });
    expect(scoreComponents(fixtureModel, centroid).cluster).toBe(2);
  });

  it('accepts a batch mixing both kinds of instance', async () => {
    const app = await fixtureServer();
    const row = trainingRows[5]!;
    const res = await predict(app, {
      instances: [row.features, componentsInstance(row.components)],
    });
    const [raw, pcs] = res.json().predictions;
    expect(raw.cluster).toBe(row.cluster);
    expect(pcs.cluster).toBe(row.cluster);
    expect(pcs.distance).toBeCloseTo(raw.distance, 9);
    expect(raw.is_outlier).toBe(row.isOutlier);
    expect(pcs.is_outlier).toBeNull();
  });

  it('places a cluster profile mean in its own cluster', async () => {
    const app = await fixtureServer();
    const res = await predict(app, {instances: [0, 1, 2].map(clusterMeanInstance)});
    expect(res.json().predictions.map((p: {cluster: number}) => p.cluster)).toEqual([0, 1, 2]);
  });
});

describe('GET /customers/:id/recommendations', () => {
  it("answers a customer's recommended products, in rank order", async () => {
    const app = await fixtureServer();
    const customer = trainingRows[0]!;
    const res = await app.inject(`/customers/${customer.CustomerID}/recommendations`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.customerId).toBe(customer.CustomerID);
    expect(body.recommendations).toHaveLength(3);
    expect(body.recommendations.map((r: {rank: number}) => r.rank)).toEqual([1, 2, 3]);
    expect(
      body.recommendations.every((r: {cluster: number}) => r.cluster === customer.cluster),
    ).toBe(true);
  });

  it('404s an unknown customer with a message naming it', async () => {
    const app = await fixtureServer();
    const res = await app.inject('/customers/99999/recommendations');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('unknown-customer');
    expect(res.json().message).toContain('Customer 99999 has no recommendations');
  });

  it('400s an id that is not a customer number', async () => {
    const app = await fixtureServer();
    const res = await app.inject('/customers/abc/recommendations');
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0]).toMatchObject({
      path: 'params.id',
      message: 'must be a customer id like 12347, got the string "abc"',
    });
  });
});

describe('unknown routes', () => {
  it('404 with the list of routes', async () => {
    const app = await fixtureServer();
    const res = await app.inject('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('POST /predict');
  });
});

describe('recommendations as JSON', () => {
  it('reads a .json array of rows through DuckDB as well', async () => {
    const {writeFileSync} = await import('node:fs');
    const {join} = await import('node:path');
    const {tempDir} = await import('./helpers.js');
    const {fileModelSource} = await import('../../runner/src/server/index.js');
    const path = join(tempDir(), 'recs.json');
    writeFileSync(
      path,
      JSON.stringify([
        {CustomerID: 12347, rank: 1, StockCode: '22423', Description: 'REGENCY CAKESTAND 3 TIER'},
        {CustomerID: 12347, rank: 2, StockCode: '85123A', Description: 'WHITE HANGING HEART'},
      ]),
    );
    const app = await fixtureServer({
      model: fileModelSource(fixtureModelPath, {recommendations: path}),
    });
    const res = await app.inject('/customers/12347/recommendations');
    expect(res.statusCode).toBe(200);
    expect(res.json().recommendations).toEqual([
      {rank: 1, StockCode: '22423', Description: 'REGENCY CAKESTAND 3 TIER'},
      {rank: 2, StockCode: '85123A', Description: 'WHITE HANGING HEART'},
    ]);
    expect((await app.inject('/customers/12347.0/recommendations')).statusCode).toBe(200);
  });
});

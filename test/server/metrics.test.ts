import {describe, expect, it} from 'vitest';
import {score} from '../../runner/src/model/index.js';
import {fixtureModel, trainingRows} from './fixture.js';
import {fixtureServer, predict} from './helpers.js';
import {sample} from './metrics-text.js';

describe('GET /metrics', () => {
  it('is Prometheus text with runner_ names', async () => {
    const app = await fixtureServer();
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const names = res.body
      .split('\n')
      .filter((l) => l.startsWith('# TYPE '))
      .map((l) => l.split(' ')[2]);
    expect(names.length).toBeGreaterThan(5);
    expect(names.every((n) => n?.startsWith('runner_'))).toBe(true);
    expect(res.body).toContain('# TYPE runner_http_request_duration_seconds histogram');
    expect(res.body).toContain('runner_process_resident_memory_bytes');
  });

  it('counters move by exact amounts: requests, errors, latency count, predictions per cluster', async () => {
    const app = await fixtureServer();
    const before = (await app.inject('/metrics')).body;
    const rows = trainingRows.slice(0, 40);
    const expectedPerCluster = [0, 0, 0];
    let expectedOutliers = 0;
    for (const row of rows) {
      const p = score(fixtureModel, row.features);
      expectedPerCluster[p.cluster]!++;
      if (p.isOutlier) expectedOutliers++;
    }
    expect((await predict(app, {instances: rows.map((r) => r.features)})).statusCode).toBe(200);
    expect((await predict(app, {instances: [rows[0]!.features]})).statusCode).toBe(200);
    expect((await predict(app, {instances: []})).statusCode).toBe(400);
    expect((await predict(app, '{')).statusCode).toBe(400);
    expect((await app.inject('/customers/1/recommendations')).statusCode).toBe(404);
    expect((await app.inject('/nowhere')).statusCode).toBe(404);
    const after = (await app.inject('/metrics')).body;

    const delta = (series: string): number => sample(after, series) - sample(before, series);
    expect(delta('runner_http_requests_total{route="/predict",method="POST",status="200"}')).toBe(
      2,
    );
    expect(delta('runner_http_requests_total{route="/predict",method="POST",status="400"}')).toBe(
      2,
    );
    expect(delta('runner_http_errors_total{route="/predict",status="400"}')).toBe(2);
    expect(
      delta('runner_http_errors_total{route="/customers/:id/recommendations",status="404"}'),
    ).toBe(1);
    expect(delta('runner_http_errors_total{route="unmatched",status="404"}')).toBe(1);
    expect(
      delta('runner_http_request_duration_seconds_count{route="/predict",method="POST"}'),
    ).toBe(4);
    // The first scrape itself was answered before the second one was rendered.
    expect(delta('runner_http_requests_total{route="/metrics",method="GET",status="200"}')).toBe(1);
    expectedPerCluster[score(fixtureModel, rows[0]!.features).cluster]!++;
    expectedPerCluster.forEach((count, cluster) =>
      expect(delta(`runner_predictions_total{cluster="${cluster}"}`), `cluster ${cluster}`).toBe(
        count,
      ),
    );
    expect(delta('runner_prediction_outliers_total')).toBe(
      expectedOutliers + (score(fixtureModel, rows[0]!.features).isOutlier ? 1 : 0),
    );
    expect(expectedPerCluster.filter((c) => c > 0).length).toBeGreaterThan(1);
  });

  it('names the served model in runner_model_info', async () => {
    const app = await fixtureServer();
    const version = app.models.current.version;
    const text = (await app.inject('/metrics')).body;
    expect(
      sample(
        text,
        `runner_model_info{version="${version}",data_hash="${fixtureModel.training.dataHash}"}`,
      ),
    ).toBe(1);
  });
});

import {describe, expect, it} from 'vitest';
import {binValues, psi, verdictOf} from '../../runner/src/server/drift/psi.js';
import {fixtureModel, trainingRows} from './fixture.js';
import {fixtureServer, predict, tempDir} from './helpers.js';

const inliers = trainingRows.filter((r) => !r.isOutlier).map((r) => r.features);

/** Customers who stopped buying: much longer since the last purchase, much less spend. */
function shifted(row: Record<string, number>): Record<string, number> {
  return {
    ...row,
    Days_Since_Last_Purchase: (row['Days_Since_Last_Purchase'] as number) + 400,
    Total_Spend: (row['Total_Spend'] as number) * 5,
  };
}

describe('PSI', () => {
  it('is 0 for the training distribution itself and grows with the shift', () => {
    const h = {
      edges: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      counts: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
    };
    const same = binValues(
      Array.from({length: 100}, (_, i) => i / 10),
      h,
    );
    expect(same.counts).toEqual(h.counts);
    expect(psi(h.counts, same.counts)).toBe(0);
    const skew = binValues(
      Array.from({length: 100}, (_, i) => (i % 50) / 10),
      h,
    );
    expect(psi(h.counts, skew.counts)).toBeCloseTo(
      5 * 0.1 * Math.log(2) + 5 * (0.1 - 1e-4) * Math.log(0.1 / 1e-4),
      12,
    );
  });

  it('counts out-of-range values and puts them in the end bins (last edge inclusive)', () => {
    const h = {edges: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], counts: Array(10).fill(1)};
    const b = binValues([-5, 0, 10, 10.5, 9.99, 3], h);
    expect(b.below).toBe(1);
    expect(b.above).toBe(1);
    expect(b.counts).toEqual([2, 0, 0, 1, 0, 0, 0, 0, 0, 3]);
  });

  it('verdict bands: < 0.1 stable, < 0.25 watch, else drift', () => {
    expect([0, 0.0999, 0.1, 0.2499, 0.25, 3].map(verdictOf)).toEqual([
      'stable',
      'stable',
      'watch',
      'watch',
      'drift',
      'drift',
    ]);
  });
});

describe('GET /drift', () => {
  it('needs 100 inputs before it gives a verdict', async () => {
    const app = await fixtureServer();
    await predict(app, {instances: inliers.slice(0, 99)});
    const body = (await app.inject('/drift')).json();
    expect(body.verdict).toBe('insufficient-data');
    expect(body.window).toEqual({size: 99, capacity: 1000, minSamples: 100});
  });

  it('training-like traffic is stable; a shifted distribution flips the verdict to drift', async () => {
    const app = await fixtureServer({driftWindow: inliers.length});
    expect((await predict(app, {instances: inliers})).statusCode).toBe(200);
    const stable = (await app.inject('/drift')).json();
    expect(stable.verdict).toBe('stable');
    expect(stable.window.size).toBe(inliers.length);
    for (const name of fixtureModel.features) {
      // The window is exactly the rows the histograms were built from.
      expect(stable.features[name].psi, name).toBeCloseTo(0, 12);
      expect(stable.features[name].outOfRange).toEqual({below: 0, above: 0});
    }

    expect((await predict(app, {instances: inliers.map(shifted)})).statusCode).toBe(200);
    const drift = (await app.inject('/drift')).json();
    expect(drift.verdict).toBe('drift');
    expect([...drift.drifting].sort()).toEqual(['Days_Since_Last_Purchase', 'Total_Spend']);
    expect(drift.features.Days_Since_Last_Purchase.psi).toBeGreaterThan(0.25);
    const max = fixtureModel.histograms['Days_Since_Last_Purchase']!.edges[10]!;
    const above = inliers.filter((r) => shifted(r)['Days_Since_Last_Purchase']! > max).length;
    expect(above).toBeGreaterThan(0);
    expect(drift.features.Days_Since_Last_Purchase.outOfRange).toEqual({below: 0, above});
    expect(drift.features.Hour.verdict).toBe('stable');
  });

  it('PCA-space instances do not enter the drift window', async () => {
    const app = await fixtureServer();
    const pcs = trainingRows
      .slice(0, 150)
      .map((r) => Object.fromEntries(r.components.map((v, i) => [`PC${i + 1}`, v])));
    await predict(app, {instances: pcs});
    expect((await app.inject('/drift')).json().window.size).toBe(0);
  });

  it('the window survives a restart through the prediction log', async () => {
    const logDir = tempDir();
    const first = await fixtureServer({logDir, driftWindow: 300});
    await predict(first, {instances: inliers.slice(0, 200).map(shifted)});
    await predict(first, {instances: inliers.slice(0, 200)});
    const before = (await first.inject('/drift')).json();
    await first.close();

    const second = await fixtureServer({logDir, driftWindow: 300});
    const after = (await second.inject('/drift')).json();
    expect(after.window.size).toBe(300);
    expect(after).toEqual(before);
  });
});

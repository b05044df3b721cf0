import {describe, expect, it} from 'vitest';
import {nearestCentroid} from '../kernels.js';
import {fitKMeans, kMeansPlusPlus} from './kmeans.js';
import {fromRows} from './matrix.js';
import {inertia} from './metrics.js';
import {Random} from './random.js';
import {expectAgree, sklearnFixture} from '../../../../test/ml/test-support.js';

interface KMeansFixture {
  cases: {name: string; x: number[][]; k: number; inertias: number[]; best: number}[];
}

const settings = {nInit: 10, maxIter: 300, tol: 1e-4, seed: 0};

describe('k-means', () => {
  const fixture = sklearnFixture<KMeansFixture>('kmeans.json');

  it("reaches scikit-learn's optimum on well separated blobs", () => {
    const c = fixture.cases.find((f) => f.name === 'separated');
    if (!c) throw new Error('fixture case missing');
    const fit = fitKMeans(fromRows(c.x), {...settings, k: c.k});
    expectAgree(fit.inertia, c.best);
  });

  it('is within 1% of the best of 10 scikit-learn seeds on overlapping blobs', () => {
    const c = fixture.cases.find((f) => f.name === 'overlapping');
    if (!c) throw new Error('fixture case missing');
    for (const seed of [0, 1, 2]) {
      const fit = fitKMeans(fromRows(c.x), {...settings, k: c.k, seed});
      expect(fit.inertia / c.best).toBeLessThan(1.01);
    }
  });

  it('labels every row with its nearest final centroid and reports that inertia', () => {
    const c = fixture.cases[1];
    if (!c) throw new Error('fixture case missing');
    const x = fromRows(c.x);
    const fit = fitKMeans(x, {...settings, k: c.k, nInit: 3});
    for (let i = 0; i < x.rows; i++) {
      expect(nearestCentroid(x.data, i * x.cols, fit.centroids, c.k, x.cols)).toBe(fit.labels[i]);
    }
    expect(fit.inertia).toBe(inertia(x, fit.labels, fit.centroids));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const c = fixture.cases[1];
    if (!c) throw new Error('fixture case missing');
    const x = fromRows(c.x);
    const a = fitKMeans(x, {...settings, k: 5, nInit: 1, seed: 7});
    const b = fitKMeans(x, {...settings, k: 5, nInit: 1, seed: 7});
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    const seeds = [1, 2, 3, 4, 5].map(
      (seed) => fitKMeans(x, {...settings, k: 5, nInit: 1, seed}).inertia,
    );
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('finds the obvious clusters of a hand-made case', () => {
    const x = fromRows([
      [0, 0],
      [0, 1],
      [10, 10],
      [10, 11],
      [20, 0],
      [21, 0],
    ]);
    const fit = fitKMeans(x, {...settings, k: 3});
    expect(fit.inertia).toBe(1.5);
    expect(fit.labels[0]).toBe(fit.labels[1]);
    expect(fit.labels[2]).toBe(fit.labels[3]);
    expect(new Set(fit.labels).size).toBe(3);
  });

  it('seeds k-means++ with distinct rows', () => {
    const x = fromRows([[0], [1], [2], [100], [101], [200]]);
    const centres = Array.from(kMeansPlusPlus(x, 3, new Random(3)));
    expect(new Set(centres).size).toBe(3);
    centres.forEach((v) => expect([0, 1, 2, 100, 101, 200]).toContain(v));
  });

  it('refuses k larger than the rows', () => {
    expect(() => fitKMeans(fromRows([[0], [1]]), {...settings, k: 3})).toThrow(/k must be/);
  });
});

import {describe, expect, it} from 'vitest';
import {fromRows} from './matrix.js';
import {calinskiHarabasz, daviesBouldin, inertia, silhouette, silhouettes} from './metrics.js';
import {expectAgree, sklearnFixture} from '../../../../test/ml/test-support.js';

interface MetricsFixture {
  x: number[][];
  cases: {
    name: string;
    labels: number[];
    silhouette: number;
    calinski_harabasz: number;
    davies_bouldin: number;
  }[];
}

const fixture = sklearnFixture<MetricsFixture>('cluster-metrics.json');
const x = fromRows(fixture.x);

describe('cluster metrics agree with scikit-learn', () => {
  for (const c of fixture.cases) {
    it(`on the ${c.name} labels`, () => {
      expectAgree(silhouette(x, c.labels), c.silhouette, 'silhouette');
      expectAgree(calinskiHarabasz(x, c.labels), c.calinski_harabasz, 'calinski_harabasz');
      expectAgree(daviesBouldin(x, c.labels), c.davies_bouldin, 'davies_bouldin');
    });
  }

  it('computes several labelings in one pass with the same results', () => {
    const all = silhouettes(
      x,
      fixture.cases.map((c) => c.labels),
    );
    fixture.cases.forEach((c, i) => expectAgree(all[i] as number, c.silhouette, c.name));
  });
});

describe('cluster metrics on hand-made cases', () => {
  // Two pairs on a line: {0, 1} and {10, 11}.
  const line = fromRows([[0], [1], [10], [11]]);
  const labels = [0, 0, 1, 1];

  it('silhouette: a = 1, b = mean distance to the other pair', () => {
    // Row 0: a = 1, b = (10 + 11) / 2 = 10.5 -> 1 - 1/10.5; row 1: b = 9.5 -> 1 - 1/9.5.
    const s = (2 * (1 - 1 / 10.5) + 2 * (1 - 1 / 9.5)) / 4;
    expectAgree(silhouette(line, labels), s);
  });

  it('Calinski-Harabasz: between 2 * 2 * 5^2 = 100 over (k-1) = 1, within 4 * 0.25 = 1 over (n-k) = 2', () => {
    expectAgree(calinskiHarabasz(line, labels), 200);
  });

  it('Davies-Bouldin: (0.5 + 0.5) / 10', () => {
    expectAgree(daviesBouldin(line, labels), 0.1);
  });

  it('inertia against given centroids', () => {
    expect(inertia(line, labels, [0.5, 10.5])).toBe(1);
  });

  it('silhouette of a singleton cluster is 0', () => {
    const three = fromRows([[0], [1], [10]]);
    // Rows 0 and 1: a = 1, b = 10 and 9; row 2 alone: 0.
    expectAgree(silhouette(three, [0, 0, 1]), (1 - 1 / 10 + (1 - 1 / 9)) / 3);
  });

  it('refuses a single cluster', () => {
    expect(() => silhouette(line, [0, 0, 0, 0])).toThrow(/2 <= clusters/);
  });
});

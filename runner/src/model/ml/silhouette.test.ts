import {describe, expect, it} from 'vitest';
import {matrix} from './matrix.js';
import {Random} from './random.js';
import {meanSilhouettes, prepareLabelings, silhouetteRows} from './silhouette.js';

/** The definition, pair by pair: a = mean distance within, b = lowest mean distance to another. */
function naive(points: number[][], labels: number[]): number[] {
  const dist = (p: number[], q: number[]) =>
    Math.sqrt(p.reduce((s, v, t) => s + (v - (q[t] as number)) ** 2, 0));
  const k = Math.max(...labels) + 1;
  return points.map((p, i) => {
    const sums = new Array<number>(k).fill(0);
    const sizes = new Array<number>(k).fill(0);
    points.forEach((q, j) => {
      sums[labels[j] as number]! += dist(p, q);
      sizes[labels[j] as number]! += 1;
    });
    const own = labels[i] as number;
    if ((sizes[own] as number) <= 1) return 0;
    const a = (sums[own] as number) / ((sizes[own] as number) - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++)
      if (c !== own && (sizes[c] as number) > 0) b = Math.min(b, (sums[c] as number) / sizes[c]!);
    return (b - a) / Math.max(a, b);
  });
}

describe('silhouette rows', () => {
  const rng = new Random(3);
  const n = 23; // not a multiple of the 4-row block, so the tail path runs too
  const points = Array.from({length: n}, () => [rng.float() * 10, rng.float(), rng.float() * 3]);
  const x = matrix(n, 3, Float64Array.from(points.flat()));
  // Three clusters, one of them a singleton and one label unused (k = 5 with 2 empty).
  const first = points.map((_, i) => (i === 7 ? 4 : i % 2));
  const second = points.map((p) => ((p[0] as number) < 5 ? 0 : 1));
  const prepared = prepareLabelings([first, second], n);

  it('equal the definition computed pair by pair', () => {
    const values = silhouetteRows(x, prepared, 0, n);
    [first, second].forEach((labels, l) => {
      naive(points, labels).forEach((expected, i) =>
        expect(values[l * n + i]).toBeCloseTo(expected, 12),
      );
    });
  });

  it('do not depend on how the rows are split', () => {
    const whole = silhouetteRows(x, prepared, 0, n);
    const left = silhouetteRows(x, prepared, 0, 9);
    const right = silhouetteRows(x, prepared, 9, n);
    for (let l = 0; l < 2; l++) {
      expect([
        ...left.subarray(l * 9, (l + 1) * 9),
        ...right.subarray(l * 14, (l + 1) * 14),
      ]).toEqual([...whole.subarray(l * n, (l + 1) * n)]);
    }
    expect(meanSilhouettes(whole, 2, n)).toHaveLength(2);
  });

  it('refuses a labeling of the wrong length or with one cluster', () => {
    expect(() => prepareLabelings([[0, 1]], n)).toThrow(/2 labels for 23 rows/);
    expect(() => prepareLabelings([new Array<number>(n).fill(2)], n)).toThrow(/2 <= clusters/);
  });
});

import {describe, expect, it} from 'vitest';
import {fromRows} from './matrix.js';
import {componentsForVariance, fitPca} from './pca.js';
import {expectAgree, sklearnFixture} from '../../../../test/ml/test-support.js';

interface PcaFixture {
  x: number[][];
  mean: number[];
  components: number[][];
  explained_variance: number[];
  explained_variance_ratio: number[];
}

describe('PCA', () => {
  const fixture = sklearnFixture<PcaFixture>('pca.json');
  const fit = fitPca(fromRows(fixture.x));

  it('agrees with scikit-learn (components up to sign)', () => {
    fixture.mean.forEach((m, j) => expectAgree(fit.mean[j] as number, m, `mean ${j}`));
    fixture.explained_variance.forEach((v, i) =>
      expectAgree(fit.explainedVariance[i] as number, v, `variance ${i}`),
    );
    fixture.explained_variance_ratio.forEach((v, i) =>
      expectAgree(fit.explainedVarianceRatio[i] as number, v, `ratio ${i}`),
    );
    fixture.components.forEach((row, i) => {
      const ours = fit.components[i] as Float64Array;
      const dot = row.reduce((s, v, j) => s + v * (ours[j] as number), 0);
      const sign = Math.sign(dot);
      row.forEach((v, j) => expectAgree((ours[j] as number) * sign, v, `component ${i}[${j}]`));
    });
  });

  it('makes the largest-magnitude loading of every component positive', () => {
    for (const row of fit.components) {
      const strongest = Array.from(row).reduce(
        (best, v) => (Math.abs(v) > Math.abs(best) ? v : best),
        0,
      );
      expect(strongest).toBeGreaterThan(0);
    }
  });

  it('finds the exact axes of a hand-made case', () => {
    // Points on the line y = -x (variance 2 * 2 / 3 along it), plus nothing across it.
    const p = fitPca(
      fromRows([
        [-1, 1],
        [0, 0],
        [1, -1],
      ]),
    );
    expectAgree(p.explainedVariance[0] as number, 2);
    expectAgree(p.explainedVariance[1] as number, 0);
    expectAgree(p.explainedVarianceRatio[0] as number, 1);
    const [a, b] = p.components[0] as Float64Array;
    expectAgree(Math.abs(a as number), Math.SQRT1_2);
    // Ties between |a| and |b| go to the first loading, which is made positive.
    expect(a).toBeGreaterThan(0);
    expect(b).toBeLessThan(0);
  });

  it('keeps the smallest number of components reaching the variance target (>=)', () => {
    expect(componentsForVariance([0.5, 0.3, 0.2], 0.8)).toBe(2);
    expect(componentsForVariance([0.5, 0.29, 0.21], 0.8)).toBe(3);
    expect(componentsForVariance([0.9, 0.1], 0.8)).toBe(1);
    expect(componentsForVariance([0.4, 0.2, 0.2, 0.2], 0.8)).toBe(3);
  });
});

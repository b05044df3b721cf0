import {EigenvalueDecomposition, Matrix as MlMatrix} from 'ml-matrix';
import {columnMeans, type Matrix} from './matrix.js';

/** An exact PCA of a matrix, all components, strongest first. */
export interface PcaFit {
  readonly mean: Float64Array;
  /** One row per component (p rows of p loadings). */
  readonly components: Float64Array[];
  /** Variance along each component, with the n - 1 denominator (as scikit-learn). */
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
}

/**
 * Exact PCA through the eigendecomposition of the covariance matrix (p x p, so its cost hardly
 * grows with the rows; the SVD of the centred n x p matrix gives the same components, 1e-12
 * apart on our data). Deterministic, like scikit-learn's `full` solver. Signs: each component's
 * largest-magnitude loading is positive (first one on ties), the rule of scikit-learn >= 1.5.
 */
export function fitPca(x: Matrix): PcaFit {
  if (x.rows < 2) throw new RangeError('PCA needs at least 2 rows.');
  const {rows: n, cols: p, data} = x;
  const mean = columnMeans(x);
  const covariance = new Float64Array(p * p);
  const centred = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) centred[j] = (data[i * p + j] as number) - (mean[j] as number);
    for (let a = 0; a < p; a++) {
      const va = centred[a] as number;
      for (let b = a; b < p; b++) covariance[a * p + b]! += va * (centred[b] as number);
    }
  }
  const symmetric = new MlMatrix(p, p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const v = (covariance[a * p + b] as number) / (n - 1);
      symmetric.set(a, b, v);
      symmetric.set(b, a, v);
    }
  }
  const eigen = new EigenvalueDecomposition(symmetric, {assumeSymmetric: true});
  const v = eigen.eigenvectorMatrix;
  // Rounding can leave a zero variance slightly negative.
  const values = eigen.realEigenvalues.map((value) => Math.max(0, value));
  const order = values
    .map((value, i) => ({value, i}))
    .sort((a, b) => b.value - a.value || a.i - b.i);
  const explainedVariance = Float64Array.from(order, ({value}) => value);
  let total = 0;
  for (const ev of explainedVariance) total += ev;
  const explainedVarianceRatio = explainedVariance.map((ev) => (total > 0 ? ev / total : 0));
  const components = order.map(({i}) => {
    const row = Float64Array.from({length: p}, (_, j) => v.get(j, i));
    let strongest = 0;
    for (let j = 1; j < row.length; j++) {
      if (Math.abs(row[j] as number) > Math.abs(row[strongest] as number)) strongest = j;
    }
    if ((row[strongest] as number) < 0)
      for (let j = 0; j < row.length; j++) row[j] = -(row[j] as number);
    return row;
  });
  return {mean, components, explainedVariance, explainedVarianceRatio};
}

/**
 * The smallest number of components whose cumulative explained variance ratio is >= `target`
 * (SEMANTICS.md; scikit-learn's float `n_components` asks for strictly more).
 */
export function componentsForVariance(ratio: ArrayLike<number>, target: number): number {
  let cumulative = 0;
  for (let i = 0; i < ratio.length; i++) {
    cumulative += ratio[i] as number;
    if (cumulative >= target) return i + 1;
  }
  return ratio.length;
}

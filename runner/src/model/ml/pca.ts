import {Matrix as MlMatrix, SingularValueDecomposition} from 'ml-matrix';
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
 * Exact PCA through the SVD of the centred matrix (deterministic, like scikit-learn's `full`
 * solver). Signs: each component's largest-magnitude loading is positive (first one on ties),
 * the rule of scikit-learn >= 1.5.
 */
export function fitPca(x: Matrix): PcaFit {
  if (x.rows < 2) throw new RangeError('PCA needs at least 2 rows.');
  const mean = columnMeans(x);
  const centred = new MlMatrix(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      centred.set(i, j, (x.data[i * x.cols + j] as number) - (mean[j] as number));
    }
  }
  const svd = new SingularValueDecomposition(centred, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: true,
    autoTranspose: true,
  });
  const singular = svd.diagonal;
  const v = svd.rightSingularVectors;
  const order = singular
    .map((s, i) => ({s, i}))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, x.cols);
  const explainedVariance = Float64Array.from(order, ({s}) => (s * s) / (x.rows - 1));
  let total = 0;
  for (const ev of explainedVariance) total += ev;
  const explainedVarianceRatio = explainedVariance.map((ev) => (total > 0 ? ev / total : 0));
  const components = order.map(({i}) => {
    const row = Float64Array.from({length: x.cols}, (_, j) => v.get(j, i));
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

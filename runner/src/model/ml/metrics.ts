import {squaredDistance} from '../kernels.js';
import {clusterSizes, labelCount} from './cluster-labels.js';
import {columnMeans, type Matrix} from './matrix.js';
import {meanSilhouettes, prepareLabelings, silhouetteRows} from './silhouette.js';

export {clusterSizes};

/** Mean of each cluster's rows (flat, k rows of `cols`). */
export function clusterMeans(x: Matrix, labels: ArrayLike<number>, k: number): Float64Array {
  const d = x.cols;
  const sums = new Float64Array(k * d);
  const sizes = clusterSizes(labels, k);
  for (let i = 0; i < x.rows; i++) {
    const base = (labels[i] as number) * d;
    for (let j = 0; j < d; j++)
      sums[base + j] = (sums[base + j] as number) + (x.data[i * d + j] as number);
  }
  for (let c = 0; c < k; c++)
    for (let j = 0; j < d; j++)
      sums[c * d + j] = (sums[c * d + j] as number) / (sizes[c] as number);
  return sums;
}

/** Sum of squared distances of rows to the given centroids of their labels. */
export function inertia(
  x: Matrix,
  labels: ArrayLike<number>,
  centroids: ArrayLike<number>,
): number {
  let sum = 0;
  for (let i = 0; i < x.rows; i++) {
    sum += squaredDistance(x.data, i * x.cols, centroids, (labels[i] as number) * x.cols, x.cols);
  }
  return sum;
}

/** scikit-learn's `calinski_harabasz_score`: (B / (k - 1)) / (W / (n - k)); 1 when W is 0. */
export function calinskiHarabasz(x: Matrix, labels: ArrayLike<number>): number {
  const k = labelCount(labels, x.rows);
  const used = clusterSizes(labels, k).filter((s) => s > 0).length;
  const mean = columnMeans(x);
  const means = clusterMeans(x, labels, k);
  const sizes = clusterSizes(labels, k);
  let between = 0;
  for (let c = 0; c < k; c++) {
    if (sizes[c] === 0) continue;
    between += (sizes[c] as number) * squaredDistance(means, c * x.cols, mean, 0, x.cols);
  }
  const within = inertia(x, labels, means);
  return within === 0 ? 1 : (between * (x.rows - used)) / (within * (used - 1));
}

/** scikit-learn's `davies_bouldin_score` (euclidean). */
export function daviesBouldin(x: Matrix, labels: ArrayLike<number>): number {
  const k = labelCount(labels, x.rows);
  const d = x.cols;
  const means = clusterMeans(x, labels, k);
  const sizes = clusterSizes(labels, k);
  const intra = new Float64Array(k);
  for (let i = 0; i < x.rows; i++) {
    const c = labels[i] as number;
    intra[c] = (intra[c] as number) + Math.sqrt(squaredDistance(x.data, i * d, means, c * d, d));
  }
  for (let c = 0; c < k; c++) intra[c] = (intra[c] as number) / (sizes[c] as number);
  let allIntraZero = true;
  for (const v of intra) if (v !== 0) allIntraZero = false;
  let allCentresEqual = true;
  const dist = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const v = Math.sqrt(squaredDistance(means, a * d, means, b * d, d));
      dist[a * k + b] = v;
      if (v !== 0) allCentresEqual = false;
    }
  }
  if (allIntraZero || allCentresEqual) return 0;
  let sum = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      const between = dist[a * k + b] as number;
      const ratio =
        ((intra[a] as number) + (intra[b] as number)) / (between === 0 ? Infinity : between);
      if (ratio > worst) worst = ratio;
    }
    sum += worst;
  }
  return sum / k;
}

/**
 * Mean silhouette (euclidean, scikit-learn's `silhouette_score`) for several labelings of the same
 * rows at once: each block of rows computes its distances once and sums them per cluster for
 * every labeling, which makes a k sweep cost little more than one silhouette.
 */
export function silhouettes(x: Matrix, labelings: readonly ArrayLike<number>[]): number[] {
  const prepared = prepareLabelings(labelings, x.rows);
  return meanSilhouettes(silhouetteRows(x, prepared, 0, x.rows), prepared.count, x.rows);
}

/** Mean silhouette of one labeling. */
export function silhouette(x: Matrix, labels: ArrayLike<number>): number {
  return silhouettes(x, [labels])[0] as number;
}

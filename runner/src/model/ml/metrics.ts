import {squaredDistance} from '../kernels.js';
import {columnMeans, type Matrix} from './matrix.js';

/** Cluster sizes for labels in [0, k). */
export function clusterSizes(labels: ArrayLike<number>, k: number): Int32Array {
  const sizes = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) sizes[labels[i] as number]! += 1;
  return sizes;
}

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

function labelCount(labels: ArrayLike<number>, n: number): number {
  let k = 0;
  for (let i = 0; i < labels.length; i++) k = Math.max(k, (labels[i] as number) + 1);
  const sizes = clusterSizes(labels, k);
  const used = sizes.filter((s) => s > 0).length;
  if (used < 2 || used > n - 1) {
    throw new RangeError(
      `Cluster metrics need 2 <= clusters <= rows - 1, got ${used} clusters for ${n} rows.`,
    );
  }
  return k;
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
 * rows at once: each pairwise distance is computed once and added to every labeling's per-cluster
 * sums, which makes a k sweep cost about one silhouette. Singleton clusters score 0.
 */
export function silhouettes(x: Matrix, labelings: readonly ArrayLike<number>[]): number[] {
  const n = x.rows;
  const d = x.cols;
  const data = x.data;
  const ks = labelings.map((labels) => labelCount(labels, n));
  // sums[l][i * k_l + c] = sum of distances from row i to rows of cluster c under labeling l.
  const sums = ks.map((k) => new Float64Array(n * k));
  const labelArrays = labelings.map((l) => Int32Array.from(l));
  const m = labelings.length;
  for (let i = 0; i < n; i++) {
    const iBase = i * d;
    for (let j = i + 1; j < n; j++) {
      const dist = Math.sqrt(squaredDistance(data, iBase, data, j * d, d));
      for (let l = 0; l < m; l++) {
        const k = ks[l] as number;
        const labels = labelArrays[l] as Int32Array;
        const s = sums[l] as Float64Array;
        s[i * k + (labels[j] as number)]! += dist;
        s[j * k + (labels[i] as number)]! += dist;
      }
    }
  }
  return labelings.map((_, l) => {
    const k = ks[l] as number;
    const labels = labelArrays[l] as Int32Array;
    const s = sums[l] as Float64Array;
    const sizes = clusterSizes(labels, k);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const own = labels[i] as number;
      const ownSize = sizes[own] as number;
      if (ownSize <= 1) continue;
      const a = (s[i * k + own] as number) / (ownSize - 1);
      let b = Infinity;
      for (let c = 0; c < k; c++) {
        if (c === own || sizes[c] === 0) continue;
        const mean = (s[i * k + c] as number) / (sizes[c] as number);
        if (mean < b) b = mean;
      }
      const denom = Math.max(a, b);
      total += denom === 0 ? 0 : (b - a) / denom;
    }
    return total / n;
  });
}

/** Mean silhouette of one labeling. */
export function silhouette(x: Matrix, labels: ArrayLike<number>): number {
  return silhouettes(x, [labels])[0] as number;
}

import {blockDistanceKernel} from './distance-kernel.js';
import {labelCount} from './cluster-labels.js';
import type {Matrix} from './matrix.js';

/** Rows whose distances are computed together: each point read serves all of them. */
const BLOCK = 4;

/** Several labelings of the same rows, prepared for the per-row cluster sums. */
export interface Labelings {
  readonly count: number;
  /** Clusters of each labeling (labels in [0, k)). */
  readonly ks: Int32Array;
  /** Per labeling, the row indices grouped by cluster, ascending within each cluster. */
  readonly members: Int32Array[];
  /** Per labeling, where each cluster's rows start in `members` (k + 1 entries). */
  readonly starts: Int32Array[];
  /** Per labeling, each row's label. */
  readonly labels: Int32Array[];
}

export function prepareLabelings(labelings: readonly ArrayLike<number>[], n: number): Labelings {
  const ks = new Int32Array(labelings.length);
  const members: Int32Array[] = [];
  const starts: Int32Array[] = [];
  const labels: Int32Array[] = [];
  labelings.forEach((source, l) => {
    const own = Int32Array.from(source);
    if (own.length !== n)
      throw new RangeError(`A labeling has ${own.length} labels for ${n} rows.`);
    const k = labelCount(own, n);
    const start = new Int32Array(k + 1);
    for (const c of own) start[c + 1]! += 1;
    for (let c = 0; c < k; c++) start[c + 1]! += start[c]!;
    const next = start.slice(0, k);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[next[own[i]!]!++] = i;
    ks[l] = k;
    members.push(order);
    starts.push(start);
    labels.push(own);
  });
  return {count: labelings.length, ks, members, starts, labels};
}

/**
 * Silhouette values (euclidean, as scikit-learn's `silhouette_samples`) of rows [from, to) under
 * every labeling, labeling-major: value of row i under labeling l at `l * (to - from) + i - from`.
 * Each row sums its distances to a cluster's rows in ascending row order, as scikit-learn's
 * bincount does, so the values do not depend on how rows are split between threads. Singleton
 * clusters score 0.
 */
export function silhouetteRows(
  x: Matrix,
  prepared: Labelings,
  from: number,
  to: number,
): Float64Array {
  const {rows: n, cols: d, data} = x;
  const span = to - from;
  const out = new Float64Array(prepared.count * span);
  const dist = new Float64Array(BLOCK * n);
  let maxK = 0;
  for (const k of prepared.ks) maxK = Math.max(maxK, k);
  const sums = new Float64Array(BLOCK * maxK);
  for (let i0 = from; i0 < to; i0 += BLOCK) {
    const rows = Math.min(BLOCK, to - i0);
    distanceBlock(data, d, n, i0, rows, dist);
    for (let l = 0; l < prepared.count; l++) {
      const k = prepared.ks[l]!;
      clusterSums(dist, n, prepared.members[l]!, prepared.starts[l]!, k, sums);
      const labels = prepared.labels[l]!;
      const start = prepared.starts[l]!;
      for (let b = 0; b < rows; b++) {
        const own = labels[i0 + b]!;
        const ownSize = start[own + 1]! - start[own]!;
        if (ownSize <= 1) continue;
        const a = sums[b * maxK + own]! / (ownSize - 1);
        let nearest = Infinity;
        for (let c = 0; c < k; c++) {
          const size = start[c + 1]! - start[c]!;
          if (c === own || size === 0) continue;
          const mean = sums[b * maxK + c]! / size;
          if (mean < nearest) nearest = mean;
        }
        const denom = Math.max(a, nearest);
        out[l * span + i0 + b - from] = denom === 0 ? 0 : (nearest - a) / denom;
      }
    }
  }
  return out;
}

/**
 * Distances of rows i0..i0+rows-1 to every row, into dist[b * n + j]. A full block reads each
 * other row once for its four distances, through a kernel unrolled for the column count.
 */
function distanceBlock(
  data: Float64Array,
  d: number,
  n: number,
  i0: number,
  rows: number,
  dist: Float64Array,
): void {
  if (rows < BLOCK) {
    for (let b = 0; b < rows; b++) {
      const iBase = (i0 + b) * d;
      for (let j = 0; j < n; j++) {
        const jBase = j * d;
        let sq = 0;
        for (let t = 0; t < d; t++) {
          const diff = data[iBase + t]! - data[jBase + t]!;
          sq += diff * diff;
        }
        dist[b * n + j] = Math.sqrt(sq);
      }
    }
    return;
  }
  blockDistanceKernel(d)(data, n, i0, dist);
}

/**
 * Per cluster, the sums of the block's distance rows over its members (BLOCK independent
 * accumulators, so the additions overlap); row b's sum for cluster c lands at sums[b * stride + c].
 */
function clusterSums(
  dist: Float64Array,
  n: number,
  members: Int32Array,
  start: Int32Array,
  k: number,
  sums: Float64Array,
): void {
  const stride = sums.length / BLOCK;
  for (let c = 0; c < k; c++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const end = start[c + 1]!;
    for (let p = start[c]!; p < end; p++) {
      const j = members[p]!;
      s0 += dist[j]!;
      s1 += dist[n + j]!;
      s2 += dist[2 * n + j]!;
      s3 += dist[3 * n + j]!;
    }
    sums[c] = s0;
    sums[stride + c] = s1;
    sums[2 * stride + c] = s2;
    sums[3 * stride + c] = s3;
  }
}

/** Mean silhouette of each labeling, from its rows' values in ascending row order. */
export function meanSilhouettes(values: Float64Array, count: number, n: number): number[] {
  const means: number[] = [];
  for (let l = 0; l < count; l++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += values[l * n + i]!;
    means.push(total / n);
  }
  return means;
}

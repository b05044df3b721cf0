/**
 * Numeric kernels shared by training and scoring. Training assigns clusters and computes PCA
 * scores through exactly these functions, so scoring a training row reproduces its label bit for
 * bit (same operations in the same order).
 */

/** Squared euclidean distance between `a[aOff..aOff+dim)` and `b[bOff..bOff+dim)`. */
export function squaredDistance(
  a: ArrayLike<number>,
  aOff: number,
  b: ArrayLike<number>,
  bOff: number,
  dim: number,
): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) {
    const d = (a[aOff + j] as number) - (b[bOff + j] as number);
    sum += d * d;
  }
  return sum;
}

/**
 * Index of the nearest of `k` centroids (flat, row-major, `dim` columns) to the point at
 * `points[pOff..]`; ties go to the lower index. Writes the squared distance to `out[0]` when given.
 */
export function nearestCentroid(
  points: ArrayLike<number>,
  pOff: number,
  centroids: ArrayLike<number>,
  k: number,
  dim: number,
  out?: Float64Array,
): number {
  let best = 0;
  let bestDist = Infinity;
  for (let c = 0; c < k; c++) {
    const d = squaredDistance(points, pOff, centroids, c * dim, dim);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  if (out) out[0] = bestDist;
  return best;
}

/** Scaling as fitted by training; see SegmentationModel.scaler. */
export interface CompiledScaler {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** Indices of the features L2-normalised per row before z-scoring. */
  readonly l2: Int32Array;
}

/**
 * Scales one raw row into `out`: L2-normalise the `l2` group (a zero-norm group stays 0), then
 * (x - mean) / std with std 0 giving 0. Non-standardised features carry mean 0 and std 1.
 */
export function scaleRow(
  scaler: CompiledScaler,
  raw: ArrayLike<number>,
  rOff: number,
  out: Float64Array,
): void {
  const n = scaler.mean.length;
  for (let j = 0; j < n; j++) out[j] = raw[rOff + j] as number;
  if (scaler.l2.length > 0) {
    let norm = 0;
    for (const j of scaler.l2) norm += (out[j] as number) * (out[j] as number);
    norm = Math.sqrt(norm);
    if (norm > 0) for (const j of scaler.l2) out[j] = (out[j] as number) / norm;
  }
  for (let j = 0; j < n; j++) {
    const s = scaler.std[j] as number;
    out[j] = s === 0 ? 0 : ((out[j] as number) - (scaler.mean[j] as number)) / s;
  }
}

/** PCA projection; `components` is flat, nComponents rows of nFeatures. */
export interface CompiledPca {
  readonly mean: Float64Array;
  readonly components: Float64Array;
  readonly nComponents: number;
}

/** Projects one scaled row onto the components: out[c] = sum_j (x_j - mean_j) * W[c][j]. */
export function projectRow(
  pca: CompiledPca,
  scaled: ArrayLike<number>,
  sOff: number,
  out: Float64Array,
  oOff = 0,
): void {
  const p = pca.mean.length;
  for (let c = 0; c < pca.nComponents; c++) {
    let sum = 0;
    const base = c * p;
    for (let j = 0; j < p; j++) {
      sum +=
        ((scaled[sOff + j] as number) - (pca.mean[j] as number)) *
        (pca.components[base + j] as number);
    }
    out[oOff + c] = sum;
  }
}

import {compileModel} from '../../runner/src/model/compile.js';
import {
  nearestCentroid,
  projectRow,
  scaleRow,
  type CompiledScaler,
} from '../../runner/src/model/kernels.js';
import {fitIsolationForest} from '../../runner/src/model/ml/isolation-forest.js';
import type {KMeansFit} from '../../runner/src/model/ml/kmeans.js';
import {matrix, selectRows, type Matrix} from '../../runner/src/model/ml/matrix.js';
import {fitKMeansMany, sweep} from '../../runner/src/model/ml/parallel.js';
import {componentsForVariance, fitPca} from '../../runner/src/model/ml/pca.js';
import type {
  ClusterProfile,
  FeatureHistogram,
  SegmentationModel,
} from '../../runner/src/model/types.js';
import {nameClusters} from './cluster-names.js';
import {histogram} from './histogram.js';
import type {TrainParams} from './params.js';

/** What training produces besides the model: one row per customer, in input order. */
export interface Segmentation {
  readonly model: SegmentationModel;
  /** PCA scores of every customer (rows x nComponents), through the scoring code path. */
  readonly components: Matrix;
  readonly labels: Int32Array;
  readonly isOutlier: Uint8Array;
  /** Silhouette per k of kRange, when `k: auto` computed it. */
  readonly silhouetteByK?: readonly {k: number; silhouette: number}[];
}

/**
 * Fits the whole model on a customers x features matrix (SEMANTICS.md "train", steps 1-4):
 * Isolation Forest on raw features, scaling and PCA and k-means on the non-outliers, clusters
 * relabelled by size. Every customer's components and label then come from the same kernels that
 * `score` uses, so scoring a training row gives back its label.
 */
export async function fitSegmentation(
  features: readonly string[],
  x: Matrix,
  params: TrainParams,
  dataHash: string,
  threads = 1,
): Promise<Segmentation> {
  const p = features.length;
  if (x.cols !== p) throw new RangeError(`Expected ${p} feature columns, got ${x.cols}.`);
  checkFeatureNames(features, params);

  const forest = fitIsolationForest(x, {
    nEstimators: params.nEstimators,
    maxSamples: params.maxSamples,
    contamination: params.contamination,
    seed: params.seed,
  });
  const inliers: number[] = [];
  for (let i = 0; i < x.rows; i++) if (forest.isOutlier[i] === 0) inliers.push(i);
  const inlierRaw = selectRows(x, inliers);
  const nIn = inliers.length;

  // Scaling: statistics of the (L2-normalised) non-outlier rows.
  const l2 = Int32Array.from(params.l2Normalize.map((name) => features.indexOf(name)));
  const standardize = new Set(params.standardize ?? features);
  const identity: CompiledScaler = {
    mean: new Float64Array(p),
    std: new Float64Array(p).fill(1),
    l2,
  };
  const l2Rows = transformRows(inlierRaw, p, (row, off, out) => scaleRow(identity, row, off, out));
  const mean = new Float64Array(p);
  const std = new Float64Array(p).fill(1);
  features.forEach((name, j) => {
    if (!standardize.has(name)) return;
    const stats = columnStats(l2Rows, j);
    mean[j] = stats.mean;
    std[j] = stats.std;
  });
  const scaler: CompiledScaler = {mean, std, l2};
  const scaledInliers = transformRows(inlierRaw, p, (row, off, out) =>
    scaleRow(scaler, row, off, out),
  );

  // PCA on the scaled non-outliers; the kept components project every row.
  const pca = fitPca(scaledInliers);
  const nComponents = Math.min(
    params.nComponents ?? componentsForVariance(pca.explainedVarianceRatio, params.pcaVariance),
    pca.components.length,
  );
  const kept = pca.components.slice(0, nComponents);
  const compiledPca = {
    mean: pca.mean,
    components: Float64Array.from(kept.flatMap((r) => Array.from(r))),
    nComponents,
  };
  const scores = transformRows(scaledInliers, nComponents, (row, off, out) =>
    projectRow(compiledPca, row, off, out),
  );

  // k-means (k fixed, or the best silhouette over kRange).
  const settings = {
    nInit: params.nInit,
    maxIter: params.maxIter,
    tol: params.tol,
    seed: params.seed,
  };
  let fit: KMeansFit;
  let silhouetteByK: {k: number; silhouette: number}[] | undefined;
  if (params.k === 'auto') {
    const [lo, hi] = params.kRange;
    if (lo > hi)
      throw new RangeError(
        `train.kRange [${lo}, ${hi}] is empty: write [min, max] with min <= max.`,
      );
    const ks = Array.from({length: Math.max(0, hi - lo + 1)}, (_, i) => lo + i).filter(
      (k) => k < nIn,
    );
    if (ks.length === 0) throw new RangeError(`kRange [${lo}, ${hi}] has no k below ${nIn} rows.`);
    const {fits, silhouettes: values} = await sweep(
      scores,
      ks.map((k) => ({...settings, k})),
      [],
      threads,
    );
    silhouetteByK = ks.map((k, i) => ({k, silhouette: values[i] as number}));
    let best = 0;
    values.forEach((v, i) => {
      if (v > (values[best] as number)) best = i;
    });
    fit = fits[best] as KMeansFit;
  } else {
    // Through the sweep's threads: the fit is the same, and the threads are warm for evaluate.
    [fit] = (await fitKMeansMany(scores, [{...settings, k: params.k}], threads)) as [KMeansFit];
  }
  const k = fit.centroids.length / nComponents;
  const centroids = relabelBySize(fit, k, nComponents);

  const model0: SegmentationModel = {
    schema: 1,
    features: [...features],
    scaler: {
      mean: Array.from(mean),
      std: Array.from(std),
      l2Normalize: [...params.l2Normalize],
      standardize: features.filter((f) => standardize.has(f)),
    },
    pca: {
      mean: Array.from(pca.mean),
      components: kept.map((r) => Array.from(r)),
      explainedVariance: Array.from(pca.explainedVariance.subarray(0, nComponents)),
      explainedVarianceRatio: Array.from(pca.explainedVarianceRatio.subarray(0, nComponents)),
    },
    kmeans: {k, centroids},
    clusters: [],
    isolationForest: forest.model,
    histograms: histograms(features, inlierRaw),
    training: {
      dataHash,
      rows: x.rows,
      outliers: x.rows - nIn,
      seed: params.seed,
      kmeans: {...settings, kRange: [params.kRange[0], params.kRange[1]]},
    },
  };

  // Every customer through the scoring kernels of the final model.
  const compiled = compileModel(model0);
  const scaledAll = transformRows(x, p, (row, off, out) =>
    scaleRow(compiled.scaler, row, off, out),
  );
  const components = transformRows(scaledAll, nComponents, (row, off, out) =>
    projectRow(compiled.pca, row, off, out),
  );
  const labels = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    labels[i] = nearestCentroid(
      components.data,
      i * nComponents,
      compiled.centroids,
      k,
      nComponents,
    );
  }
  const model: SegmentationModel = {
    ...model0,
    clusters: profiles(features, x, labels, forest.isOutlier, k),
  };
  return {
    model,
    components,
    labels,
    isOutlier: forest.isOutlier,
    ...(silhouetteByK ? {silhouetteByK} : {}),
  };
}

function checkFeatureNames(features: readonly string[], params: TrainParams): void {
  const unknown = [...params.l2Normalize, ...(params.standardize ?? [])].filter(
    (f) => !features.includes(f),
  );
  if (unknown.length > 0) {
    throw new RangeError(
      `train params name unknown features: ${unknown.join(', ')} (known: ${features.join(', ')}).`,
    );
  }
}

function transformRows(
  x: Matrix,
  outCols: number,
  f: (row: Float64Array, offset: number, out: Float64Array) => void,
): Matrix {
  const out = matrix(x.rows, outCols);
  const buffer = new Float64Array(outCols);
  for (let i = 0; i < x.rows; i++) {
    f(x.data, i * x.cols, buffer);
    out.data.set(buffer, i * outCols);
  }
  return out;
}

/** Mean and population std of a column; a constant column (min = max) gets std 0. */
function columnStats(x: Matrix, j: number): {mean: number; std: number} {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.rows; i++) {
    const v = x.data[i * x.cols + j] as number;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / x.rows;
  if (min === max) return {mean: min, std: 0};
  let ss = 0;
  for (let i = 0; i < x.rows; i++) {
    const d = (x.data[i * x.cols + j] as number) - mean;
    ss += d * d;
  }
  return {mean, std: Math.sqrt(ss / x.rows)};
}

/** Centroids reordered so cluster 0 is the largest; ties keep the lower original label first. */
function relabelBySize(fit: KMeansFit, k: number, d: number): number[][] {
  const sizes = new Array<number>(k).fill(0);
  for (const label of fit.labels) sizes[label] = (sizes[label] as number) + 1;
  const order = Array.from({length: k}, (_, c) => c).sort(
    (a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b,
  );
  return order.map((c) => Array.from(fit.centroids.subarray(c * d, c * d + d)));
}

function histograms(features: readonly string[], x: Matrix): Record<string, FeatureHistogram> {
  const out: Record<string, FeatureHistogram> = {};
  features.forEach((name, j) => {
    const column = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) column[i] = x.data[i * x.cols + j] as number;
    out[name] = histogram(column, 10);
  });
  return out;
}

function profiles(
  features: readonly string[],
  x: Matrix,
  labels: Int32Array,
  isOutlier: Uint8Array,
  k: number,
): ClusterProfile[] {
  const p = features.length;
  const sums = new Float64Array(k * p);
  const sizes = new Array<number>(k).fill(0);
  const total = new Float64Array(p);
  let n = 0;
  for (let i = 0; i < x.rows; i++) {
    if (isOutlier[i] === 1) continue;
    const c = labels[i] as number;
    sizes[c] = (sizes[c] as number) + 1;
    n++;
    for (let j = 0; j < p; j++) {
      const v = x.data[i * p + j] as number;
      sums[c * p + j] = (sums[c * p + j] as number) + v;
      total[j] = (total[j] as number) + v;
    }
  }
  const overallMean = Array.from(total, (s) => s / n);
  const overallStd = overallMean.map((m, j) => {
    let ss = 0;
    for (let i = 0; i < x.rows; i++) {
      if (isOutlier[i] === 1) continue;
      const dlt = (x.data[i * p + j] as number) - m;
      ss += dlt * dlt;
    }
    return Math.sqrt(ss / n);
  });
  const means = sizes.map((size, c) =>
    features.map((_, j) => (size > 0 ? (sums[c * p + j] as number) / size : 0)),
  );
  const names = nameClusters(features, means, overallMean, overallStd);
  return sizes.map((size, c) => ({
    id: c,
    name: names[c] as string,
    size,
    means: Object.fromEntries(features.map((f, j) => [f, (means[c] as number[])[j] as number])),
  }));
}

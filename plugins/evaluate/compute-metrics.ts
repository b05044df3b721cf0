import {selectRows, type Matrix} from '../../runner/src/model/ml/matrix.js';
import {
  calinskiHarabasz,
  clusterSizes,
  daviesBouldin,
  inertia,
} from '../../runner/src/model/ml/metrics.js';
import {sweep as runSweep} from '../../runner/src/model/ml/parallel.js';
import {Random} from '../../runner/src/model/ml/random.js';
import type {SegmentationModel} from '../../runner/src/model/types.js';

/** reports/metrics.json (schema: schemas/metrics.schema.json). */
export interface Metrics {
  readonly silhouette: number;
  readonly calinski_harabasz: number;
  readonly davies_bouldin: number;
  readonly inertia: number;
  readonly n_clusters: number;
  readonly sizes: number[];
  readonly shares: number[];
  readonly n_samples: number;
  readonly outliers: number;
  readonly silhouette_sampled: boolean;
  readonly components: number;
  readonly explained_variance: number[];
  readonly explained_variance_ratio: number[];
  readonly explained_variance_total: number;
}

/** reports/silhouette_by_k.json: per k of the sweep, keyed by k. */
export interface SilhouetteByK {
  readonly best_k: number;
  readonly sampled: boolean;
  readonly silhouette: Record<string, number>;
  readonly inertia: Record<string, number>;
}

export interface Evaluation {
  readonly metrics: Metrics;
  readonly byK: SilhouetteByK;
  readonly sweep: readonly {k: number; silhouette: number; inertia: number}[];
}

/**
 * SEMANTICS.md "evaluate": metrics of the final labels on the k-means input, and the silhouette
 * of k-means refitted with the model's settings for every k of the range. All silhouettes share
 * one pass over the point pairs; above `sampleSize` points they use a seeded sample.
 */
export async function evaluate(
  model: SegmentationModel,
  x: Matrix,
  labels: Int32Array,
  kRange: readonly [number, number],
  sampleSize: number,
  options: {threads?: number; onProgress?: (done: number, total: number) => void} = {},
): Promise<Evaluation> {
  const k = model.kmeans.k;
  const settings = model.training.kmeans;
  if (kRange[0] > kRange[1]) {
    throw new RangeError(
      `kRange [${kRange[0]}, ${kRange[1]}] is empty: write [min, max] with min <= max.`,
    );
  }
  const ks: number[] = [];
  for (let kk = kRange[0]; kk <= kRange[1] && kk < x.rows; kk++) ks.push(kk);
  const sampled = x.rows > sampleSize;
  const rows = sampled ? new Random(settings.seed).sample(x.rows, sampleSize).sort() : undefined;
  const pick = (labeling: ArrayLike<number>): Int32Array =>
    rows ? Int32Array.from(rows, (i) => labeling[i] as number) : Int32Array.from(labeling);
  const points = rows ? selectRows(x, rows) : x;
  // The sweep's k-means fits, then one pass for every silhouette (final labels first).
  const {fits, silhouettes: values} = await runSweep(
    x,
    ks.map((kk) => ({...settings, k: kk})),
    [],
    options.threads ?? 1,
    (fitLabels) => ({x: points, labelings: [pick(labels), ...fitLabels.map(pick)]}),
    options.onProgress,
  );

  const sizes = Array.from(clusterSizes(labels, k));
  const centroids = Float64Array.from(model.kmeans.centroids.flat());
  const sweep = ks.map((kk, i) => ({
    k: kk,
    silhouette: values[i + 1] as number,
    inertia: (fits[i] as {inertia: number}).inertia,
  }));
  let best = sweep[0];
  for (const s of sweep) if (best && s.silhouette > best.silhouette) best = s;
  const ratio = model.pca.explainedVarianceRatio;
  return {
    metrics: {
      silhouette: values[0] as number,
      calinski_harabasz: calinskiHarabasz(x, labels),
      davies_bouldin: daviesBouldin(x, labels),
      inertia: inertia(x, labels, centroids),
      n_clusters: k,
      sizes,
      shares: sizes.map((s) => s / x.rows),
      n_samples: x.rows,
      outliers: model.training.outliers,
      silhouette_sampled: sampled,
      components: model.pca.components.length,
      explained_variance: [...model.pca.explainedVariance],
      explained_variance_ratio: [...ratio],
      explained_variance_total: ratio.reduce((s, v) => s + v, 0),
    },
    byK: {
      best_k: best?.k ?? k,
      sampled,
      silhouette: Object.fromEntries(sweep.map((s) => [String(s.k), s.silhouette])),
      inertia: Object.fromEntries(sweep.map((s) => [String(s.k), s.inertia])),
    },
    sweep,
  };
}

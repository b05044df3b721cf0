import type {CompiledPca, CompiledScaler} from './kernels.js';
import type {CompiledTree} from './isolation-kernels.js';
import type {SegmentationModel} from './types.js';

/** A model's vectors as typed arrays, built once per model object. */
export interface CompiledModel {
  readonly nFeatures: number;
  readonly featureIndex: ReadonlyMap<string, number>;
  readonly scaler: CompiledScaler;
  readonly pca: CompiledPca;
  readonly k: number;
  /** Flat, k rows of nComponents. */
  readonly centroids: Float64Array;
  readonly trees: readonly CompiledTree[];
  readonly maxSamples: number;
  readonly threshold: number;
}

const cache = new WeakMap<SegmentationModel, CompiledModel>();

/** Compiles (and caches, per model object) the typed-array form that the kernels use. */
export function compileModel(model: SegmentationModel): CompiledModel {
  let compiled = cache.get(model);
  if (!compiled) {
    compiled = build(model);
    cache.set(model, compiled);
  }
  return compiled;
}

function build(model: SegmentationModel): CompiledModel {
  const featureIndex = new Map(model.features.map((name, i) => [name, i]));
  const nComponents = model.pca.components.length;
  return {
    nFeatures: model.features.length,
    featureIndex,
    scaler: {
      mean: Float64Array.from(model.scaler.mean),
      std: Float64Array.from(model.scaler.std),
      l2: Int32Array.from(model.scaler.l2Normalize.map((name) => featureIndex.get(name) ?? -1)),
    },
    pca: {
      mean: Float64Array.from(model.pca.mean),
      components: Float64Array.from(model.pca.components.flat()),
      nComponents,
    },
    k: model.kmeans.centroids.length,
    centroids: Float64Array.from(model.kmeans.centroids.flat()),
    trees: model.isolationForest.trees.map((t) => ({
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      size: Float64Array.from(t.size),
    })),
    maxSamples: model.isolationForest.maxSamples,
    threshold: model.isolationForest.threshold,
  };
}

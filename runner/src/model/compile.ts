import type {CompiledPca, CompiledScaler} from './kernels.js';
import {compileForest, type CompiledForest} from './isolation-kernels.js';
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
  readonly forest: CompiledForest;
  /** Below this forest score a row is an outlier. */
  readonly threshold: number;
  /**
   * Scratch space reused by every scoring call on this model: scoring is synchronous, so one
   * set per model is never used by two calls at once, and a request allocates no vectors.
   */
  readonly scratch: ScoringScratch;
}

/** Per-model buffers of one scoring call. */
export interface ScoringScratch {
  /** The raw row, in `features` order. */
  readonly row: Float64Array;
  readonly scaled: Float64Array;
  readonly components: Float64Array;
  /** [0]: squared distance to the nearest centroid. */
  readonly distance: Float64Array;
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
    forest: compileForest(model.isolationForest.trees, model.isolationForest.maxSamples),
    threshold: model.isolationForest.threshold,
    scratch: {
      row: new Float64Array(model.features.length),
      scaled: new Float64Array(model.features.length),
      components: new Float64Array(nComponents),
      distance: new Float64Array(1),
    },
  };
}

import {compileModel, type CompiledModel} from './compile.js';
import {FeatureInputError} from './errors.js';
import {forestScore} from './isolation-kernels.js';
import {nearestCentroid, projectRow, scaleRow} from './kernels.js';
import type {Prediction, SegmentationModel} from './types.js';

/** Raw features by name (exactly the model's features) or as a vector in `model.features` order. */
export type RawFeatures = Readonly<Record<string, number>> | readonly number[];

/**
 * Scores one customer from its raw features: outlier flag from the Isolation Forest, scaling,
 * PCA projection and the nearest centroid. Training labels come from this same code path.
 * @throws FeatureInputError when names are missing or unknown, the length is wrong, or a value
 * is not a finite number.
 */
export function score(
  model: SegmentationModel,
  raw: RawFeatures,
): Prediction & {components: number[]} {
  const compiled = compileModel(model);
  const row = toVector(model, compiled, raw);
  const isOutlier = forestScore(compiled.trees, compiled.maxSamples, row, 0) < compiled.threshold;
  const scaled = new Float64Array(compiled.nFeatures);
  scaleRow(compiled.scaler, row, 0, scaled);
  const components = new Float64Array(compiled.pca.nComponents);
  projectRow(compiled.pca, scaled, 0, components);
  return {...assign(model, compiled, components), isOutlier, components: Array.from(components)};
}

/** Assigns a cluster to a point already in PCA space (`PC1..PCn`); `isOutlier` is null. */
export function scoreComponents(
  model: SegmentationModel,
  components: readonly number[],
): Prediction {
  const compiled = compileModel(model);
  const n = compiled.pca.nComponents;
  if (components.length !== n) {
    throw new FeatureInputError(
      'length',
      `Expected ${n} PCA components (PC1..PC${n}), got ${components.length}.`,
    );
  }
  checkFinite(components, (i) => `PC${i + 1}`);
  return {...assign(model, compiled, components), isOutlier: null};
}

/** scikit-learn's `score_samples` of the model's Isolation Forest for one raw feature vector. */
export function isolationScore(model: SegmentationModel, raw: readonly number[]): number {
  const compiled = compileModel(model);
  return forestScore(compiled.trees, compiled.maxSamples, toVector(model, compiled, raw), 0);
}

function assign(
  model: SegmentationModel,
  compiled: CompiledModel,
  components: ArrayLike<number>,
): Omit<Prediction, 'isOutlier'> {
  const dist = new Float64Array(1);
  const cluster = nearestCentroid(
    components,
    0,
    compiled.centroids,
    compiled.k,
    compiled.pca.nComponents,
    dist,
  );
  return {
    cluster,
    name: model.clusters[cluster]?.name ?? `cluster ${cluster}`,
    distance: Math.sqrt(dist[0] as number),
  };
}

function toVector(
  model: SegmentationModel,
  compiled: CompiledModel,
  raw: RawFeatures,
): Float64Array {
  const names = model.features;
  if (isNumberArray(raw)) {
    if (raw.length !== names.length) {
      throw new FeatureInputError(
        'length',
        `Expected ${names.length} feature values in this order: ${names.join(', ')}; got ${raw.length}.`,
      );
    }
    checkFinite(raw, (i) => names[i] ?? `#${i}`);
    return Float64Array.from(raw);
  }
  const given = Object.keys(raw);
  const unknown = given.filter((name) => !compiled.featureIndex.has(name)).sort();
  const missing = names.filter((name) => !Object.hasOwn(raw, name));
  if (unknown.length > 0 || missing.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing: ${missing.join(', ')}`);
    if (unknown.length > 0) parts.push(`unknown: ${unknown.join(', ')}`);
    throw new FeatureInputError(
      'names',
      `Features must be exactly the model's ${names.length} (${parts.join('; ')}).`,
      missing,
      unknown,
    );
  }
  const values = names.map((name) => raw[name] as number);
  checkFinite(values, (i) => names[i] ?? `#${i}`);
  return Float64Array.from(values);
}

function isNumberArray(raw: RawFeatures): raw is readonly number[] {
  return Array.isArray(raw);
}

function checkFinite(values: readonly unknown[], nameOf: (i: number) => string): void {
  const bad: string[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) bad.push(nameOf(i));
  });
  if (bad.length > 0) {
    throw new FeatureInputError(
      'not-finite',
      `Feature values must be finite numbers (not: ${bad.join(', ')}).`,
    );
  }
}

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
  const p = scoreRaw(model, compiled, raw);
  return {
    cluster: p.cluster,
    name: p.name,
    distance: p.distance,
    isOutlier: p.isOutlier,
    components: Array.from(compiled.scratch.components),
  };
}

/**
 * {@link score} without the PCA components, for callers that answer only the prediction (the
 * server): the same computation, minus one array per call.
 */
export function predict(model: SegmentationModel, raw: RawFeatures): Prediction {
  return scoreRaw(model, compileModel(model), raw);
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
  if (!allFinite(components)) checkFinite(components, (i) => `PC${i + 1}`);
  return assign(model, compiled, components, null);
}

/** scikit-learn's `score_samples` of the model's Isolation Forest for one raw feature vector. */
export function isolationScore(model: SegmentationModel, raw: readonly number[]): number {
  const compiled = compileModel(model);
  readRow(model, compiled, raw, compiled.scratch.row);
  return forestScore(compiled.forest, compiled.scratch.row, 0);
}

function scoreRaw(model: SegmentationModel, compiled: CompiledModel, raw: RawFeatures): Prediction {
  const {row, scaled, components} = compiled.scratch;
  readRow(model, compiled, raw, row);
  const isOutlier = forestScore(compiled.forest, row, 0) < compiled.threshold;
  scaleRow(compiled.scaler, row, 0, scaled);
  projectRow(compiled.pca, scaled, 0, components);
  return assign(model, compiled, components, isOutlier);
}

function assign(
  model: SegmentationModel,
  compiled: CompiledModel,
  components: ArrayLike<number>,
  isOutlier: boolean | null,
): Prediction {
  const dist = compiled.scratch.distance;
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
    isOutlier,
  };
}

/** Checks `raw` against the model and copies it, in `features` order, into `out`. */
function readRow(
  model: SegmentationModel,
  compiled: CompiledModel,
  raw: RawFeatures,
  out: Float64Array,
): void {
  const names = model.features;
  if (isNumberArray(raw)) {
    if (raw.length !== names.length) {
      throw new FeatureInputError(
        'length',
        `Expected ${names.length} feature values in this order: ${names.join(', ')}; got ${raw.length}.`,
      );
    }
    if (!allFinite(raw)) checkFinite(raw, (i) => names[i] ?? `#${i}`);
    out.set(raw);
    return;
  }
  if (!hasExactly(raw, names)) throw namesError(compiled, names, raw);
  for (let i = 0; i < names.length; i++) {
    const v = raw[names[i] as string];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      checkFinite(
        names.map((name) => raw[name]),
        (j) => names[j] ?? `#${j}`,
      );
    }
    out[i] = v as number;
  }
}

/** Whether `raw` has exactly the `names` as own keys (duplicates are impossible in an object). */
function hasExactly(raw: Readonly<Record<string, number>>, names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) if (!Object.hasOwn(raw, names[i] as string)) return false;
  return Object.keys(raw).length === names.length;
}

function namesError(
  compiled: CompiledModel,
  names: readonly string[],
  raw: Readonly<Record<string, number>>,
): FeatureInputError {
  const unknown = Object.keys(raw)
    .filter((name) => !compiled.featureIndex.has(name))
    .sort();
  const missing = names.filter((name) => !Object.hasOwn(raw, name));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing: ${missing.join(', ')}`);
  if (unknown.length > 0) parts.push(`unknown: ${unknown.join(', ')}`);
  return new FeatureInputError(
    'names',
    `Features must be exactly the model's ${names.length} (${parts.join('; ')}).`,
    missing,
    unknown,
  );
}

function isNumberArray(raw: RawFeatures): raw is readonly number[] {
  return Array.isArray(raw);
}

function allFinite(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return true;
}

/** Throws naming every non-finite value; called only once a bad value is known to exist. */
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

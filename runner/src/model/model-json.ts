import {ModelFormatError} from './errors.js';
import {validateModelSchema} from './model-validator.generated.js';
import {stableStringify} from './stable-json.js';
import type {SegmentationModel} from './types.js';

/** ajv's standalone validator, precompiled from schemas/model.schema.json. */
type Validator = ((data: unknown) => boolean) & {
  errors?: readonly {instancePath: string; message?: string}[] | null;
};
const validator = validateModelSchema as Validator;

/** model.json text: sorted keys, shortest round-trip numbers, trailing newline. */
export function serializeModel(model: SegmentationModel): string {
  return stableStringify(model);
}

/**
 * Parses and validates model.json text (schema and internal consistency).
 * @throws ModelFormatError listing every problem, each with a JSON pointer.
 */
export function parseModel(text: string, source = 'model.json'): SegmentationModel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${source} is not valid JSON.`, [String(e)]);
  }
  return validateModel(value, source);
}

/** Checks a parsed value against schemas/model.schema.json and the shapes the vectors imply. */
export function validateModel(value: unknown, source = 'model.json'): SegmentationModel {
  if (!validator(value)) {
    const problems = (validator.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
    );
    throw new ModelFormatError(`${source} does not match schemas/model.schema.json.`, problems);
  }
  const model = value as SegmentationModel;
  const problems = consistencyProblems(model);
  if (problems.length > 0) {
    throw new ModelFormatError(`${source} is inconsistent.`, problems);
  }
  return model;
}

function consistencyProblems(m: SegmentationModel): string[] {
  const p = m.features.length;
  const out: string[] = [];
  const need = (ok: boolean, msg: string): void => {
    if (!ok) out.push(msg);
  };
  need(m.scaler.mean.length === p, `/scaler/mean must have ${p} values (one per feature)`);
  need(m.scaler.std.length === p, `/scaler/std must have ${p} values (one per feature)`);
  for (const name of [...m.scaler.l2Normalize, ...m.scaler.standardize]) {
    need(m.features.includes(name), `/scaler names an unknown feature ${JSON.stringify(name)}`);
  }
  need(m.pca.mean.length === p, `/pca/mean must have ${p} values (one per feature)`);
  const nc = m.pca.components.length;
  m.pca.components.forEach((row, i) =>
    need(row.length === p, `/pca/components/${i} must have ${p} loadings`),
  );
  need(m.pca.explainedVariance.length === nc, `/pca/explainedVariance must have ${nc} values`);
  need(
    m.pca.explainedVarianceRatio.length === nc,
    `/pca/explainedVarianceRatio must have ${nc} values`,
  );
  need(
    m.kmeans.centroids.length === m.kmeans.k,
    `/kmeans/centroids must have k = ${m.kmeans.k} rows`,
  );
  m.kmeans.centroids.forEach((row, i) =>
    need(row.length === nc, `/kmeans/centroids/${i} must have ${nc} values (one per component)`),
  );
  m.isolationForest.trees.forEach((t, i) => {
    const n = t.feature.length;
    const same = [t.threshold, t.left, t.right, t.size].every((a) => a.length === n);
    need(same && n > 0, `/isolationForest/trees/${i} arrays must be non-empty and equally long`);
    t.feature.forEach((f, j) => {
      if (f < 0) return;
      const l = t.left[j] ?? -1;
      const r = t.right[j] ?? -1;
      need(f < p, `/isolationForest/trees/${i}/feature/${j} is not a feature index`);
      need(
        l > j && l < n && r > j && r < n,
        `/isolationForest/trees/${i} node ${j} has bad children`,
      );
    });
  });
  need(
    m.isolationForest.trees.length === m.isolationForest.nEstimators,
    `/isolationForest/trees must have nEstimators = ${m.isolationForest.nEstimators} trees`,
  );
  return out;
}

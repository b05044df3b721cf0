import {describe, expect, it} from 'vitest';
import {FeatureInputError} from './errors.js';
import {parseModel, serializeModel} from './model-json.js';
import {isolationScore, predict, score, scoreComponents} from './score.js';
import type {SegmentationModel} from './types.js';

/** Two features a, b; b is L2-free, a is z-scored; PCA is the identity; centroids at +-1. */
function tinyModel(): SegmentationModel {
  return {
    schema: 1,
    features: ['a', 'b'],
    scaler: {mean: [10, 0], std: [2, 1], l2Normalize: [], standardize: ['a']},
    pca: {
      mean: [0, 0],
      components: [
        [1, 0],
        [0, 1],
      ],
      explainedVariance: [1, 1],
      explainedVarianceRatio: [0.5, 0.5],
    },
    kmeans: {
      k: 2,
      centroids: [
        [1, 0],
        [-1, 0],
      ],
    },
    clusters: [
      {id: 0, name: 'high a', size: 3, means: {a: 12, b: 0}},
      {id: 1, name: 'low a', size: 2, means: {a: 8, b: 0}},
    ],
    isolationForest: {
      nEstimators: 1,
      maxSamples: 4,
      contamination: 0.25,
      threshold: -0.6,
      // Root splits on a <= 20: left is a leaf of 3 samples, right a leaf of 1.
      trees: [
        {
          feature: [0, -1, -1],
          threshold: [20, 0, 0],
          left: [1, -1, -1],
          right: [2, -1, -1],
          size: [4, 3, 1],
        },
      ],
    },
    histograms: {},
    training: {
      dataHash: '0123456789abcdef0123456789abcdef',
      rows: 5,
      outliers: 1,
      seed: 0,
      kmeans: {nInit: 1, maxIter: 10, tol: 1e-4, seed: 0, kRange: [2, 3]},
    },
  };
}

describe('score', () => {
  it('scales, projects and assigns the nearest centroid', () => {
    const p = score(tinyModel(), {a: 13, b: 0.5});
    expect(p.components).toEqual([1.5, 0.5]);
    expect(p.cluster).toBe(0);
    expect(p.name).toBe('high a');
    expect(p.distance).toBeCloseTo(Math.sqrt(0.25 + 0.25), 15);
    expect(p.isOutlier).toBe(false);
  });

  it('accepts a vector in model.features order and flags outliers by the forest', () => {
    const p = score(tinyModel(), [30, 0]);
    // Depth 1 + c(1) = 1 over c(4) = 2(ln 3 + gamma) - 1.5.
    const c4 = 2 * (Math.log(3) + 0.5772156649015329) - 1.5;
    expect(isolationScore(tinyModel(), [30, 0])).toBe(-Math.pow(2, -1 / c4));
    expect(p.isOutlier).toBe(true);
    expect(p.cluster).toBe(0);
  });

  it('sends ties to the lower cluster', () => {
    expect(scoreComponents(tinyModel(), [0, 3]).cluster).toBe(0);
    expect(scoreComponents(tinyModel(), [-0.1, 3]).cluster).toBe(1);
    expect(scoreComponents(tinyModel(), [0, 0]).isOutlier).toBeNull();
  });

  it('names missing and unknown features', () => {
    let error: unknown;
    try {
      score(tinyModel(), {a: 1, c: 2});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FeatureInputError);
    const e = error as FeatureInputError;
    expect(e.reason).toBe('names');
    expect(e.missing).toEqual(['b']);
    expect(e.unknown).toEqual(['c']);
    expect(e.message).toContain('missing: b; unknown: c');
  });

  it('predict gives what score gives, without the components', () => {
    const model = tinyModel();
    for (const raw of [{a: 13, b: 0.5}, [30, 0], {b: -2, a: 7}]) {
      const {components: _components, ...expected} = score(model, raw);
      expect(predict(model, raw)).toEqual(expected);
    }
  });

  it('keeps earlier results when later calls reuse the per-model buffers', () => {
    const model = tinyModel();
    const first = score(model, {a: 13, b: 0.5});
    score(model, [2, 9]);
    expect(first.components).toEqual([1.5, 0.5]);
    expect(score(model, {a: 13, b: 0.5})).toEqual(first);
  });

  it('refuses wrong lengths and non-finite values', () => {
    expect(() => score(tinyModel(), [1])).toThrow(/Expected 2 feature values/);
    expect(() => score(tinyModel(), {a: Number.NaN, b: 1})).toThrow(/not: a/);
    expect(() => predict(tinyModel(), [1, Number.POSITIVE_INFINITY])).toThrow(/not: b/);
    expect(() => predict(tinyModel(), {a: 1, b: 2, c: 3})).toThrow(/unknown: c/);
    expect(() => scoreComponents(tinyModel(), [1, 2, 3])).toThrow(/PC1..PC2/);
  });
});

describe('model.json', () => {
  it('round-trips through sorted-key JSON and validates', () => {
    const text = serializeModel(tinyModel());
    expect(text.indexOf('"clusters"')).toBeLessThan(text.indexOf('"features"'));
    expect(parseModel(text)).toEqual(tinyModel());
    expect(serializeModel(parseModel(text))).toBe(text);
  });

  it('reports schema and consistency problems with pointers', () => {
    const bad = {...tinyModel(), scaler: {...tinyModel().scaler, mean: [1]}};
    expect(() => parseModel(JSON.stringify(bad))).toThrow(/\/scaler\/mean must have 2 values/);
    expect(() => parseModel('{"schema": 2}')).toThrow(/does not match/);
    expect(() => parseModel('{')).toThrow(/not valid JSON/);
  });

  it('refuses an empty feature name (a string length check of the precompiled schema)', () => {
    const bad = {...tinyModel(), features: ['', 'b']};
    try {
      parseModel(JSON.stringify(bad));
      expect.unreachable('an empty feature name was accepted');
    } catch (error) {
      expect((error as {problems: string[]}).problems).toContain(
        '/features/0 must NOT have fewer than 1 characters',
      );
    }
  });
});

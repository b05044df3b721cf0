import {describe, expect, it} from 'vitest';
import {
  averagePathLength,
  compileForest,
  forestScore,
  type IsolationTree,
} from '../isolation-kernels.js';
import {fitIsolationForest} from './isolation-forest.js';
import {matrix} from './matrix.js';
import {percentile} from './percentile.js';
import {Random} from './random.js';
import {expectAgree, sklearnFixture} from '../../../../test/ml/test-support.js';

interface MiscFixture {
  values: number[];
  percentiles: {q: number; value: number}[];
  average_path_length: {n: number; c: number}[];
}

const misc = sklearnFixture<MiscFixture>('misc.json');

describe('percentile (numpy linear)', () => {
  it('agrees with numpy.percentile', () => {
    for (const {q, value} of misc.percentiles) expect(percentile(misc.values, q)).toBe(value);
  });

  it('interpolates linearly between neighbours', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([0, 10], 5)).toBe(0.5);
    expect(percentile([0, 10], 95)).toBe(9.5);
    expect(percentile([7], 5)).toBe(7);
  });
});

describe('Isolation Forest', () => {
  it('c(n) matches scikit-learn', () => {
    for (const {n, c} of misc.average_path_length) expectAgree(averagePathLength(n), c, `c(${n})`);
  });

  // 1000 rows of a 3-d standard normal plus 10 far points.
  const rng = new Random(11);
  const normal = (): number => {
    const u = 1 - rng.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
  };
  const x = matrix(1010, 3);
  for (let i = 0; i < 1000 * 3; i++) x.data[i] = normal();
  for (let i = 1000; i < 1010; i++)
    for (let j = 0; j < 3; j++) x.data[i * 3 + j] = (j === i % 3 ? 8 : 0) + normal();
  const options = {nEstimators: 100, maxSamples: 256, contamination: 0.05, seed: 0};
  const fit = fitIsolationForest(x, options);

  it('flags the planted outliers and about the contamination share', () => {
    for (let i = 1000; i < 1010; i++) expect(fit.isOutlier[i]).toBe(1);
    const flagged = fit.isOutlier.reduce((s, v) => s + v, 0);
    // The threshold sits at sorted index 1009 * 0.05 = 50.45, so indices 0..50 are below it.
    expect(flagged).toBe(51);
  });

  it('uses the 5th percentile of the training scores as threshold', () => {
    expect(fit.model.threshold).toBe(percentile(fit.scores, 5));
    for (let i = 0; i < x.rows; i++)
      expect(fit.isOutlier[i]).toBe((fit.scores[i] as number) < fit.model.threshold ? 1 : 0);
  });

  it('scores in (-1, 0), lower for outliers, about -0.5 for ordinary rows', () => {
    const ordinary: number[] = [];
    for (let i = 0; i < x.rows; i++) {
      const s = fit.scores[i] as number;
      expect(s).toBeGreaterThan(-1);
      expect(s).toBeLessThan(0);
      if (i < 1000) ordinary.push(s);
    }
    ordinary.sort((a, b) => a - b);
    expect(ordinary[500]).toBeGreaterThan(-0.5);
    expect(ordinary[500]).toBeLessThan(-0.38);
    for (let i = 1000; i < 1010; i++) expect(fit.scores[i]).toBeLessThan(-0.6);
  });

  it('grows trees of 256 samples and depth at most ceil(log2 256) = 8', () => {
    expect(fit.model.trees).toHaveLength(100);
    expect(fit.model.maxSamples).toBe(256);
    for (const tree of fit.model.trees) {
      expect(tree.size[0]).toBe(256);
      const depth = (node: number): number =>
        (tree.feature[node] as number) < 0
          ? 0
          : 1 + Math.max(depth(tree.left[node] as number), depth(tree.right[node] as number));
      expect(depth(0)).toBeLessThanOrEqual(8);
      // Leaves partition the sample.
      const leaves = tree.feature.reduce(
        (s, f, i) => (f < 0 ? s + (tree.size[i] as number) : s),
        0,
      );
      expect(leaves).toBe(256);
    }
  });

  it('computes score_samples from depths and c(leaf size)', () => {
    // One tree: root splits feature 0 at 0.5; left leaf holds 3 samples, right leaf 1.
    const tree: IsolationTree = {
      feature: Int32Array.from([0, -1, -1]),
      threshold: Float64Array.from([0.5, 0, 0]),
      left: Int32Array.from([1, -1, -1]),
      right: Int32Array.from([2, -1, -1]),
      size: Float64Array.from([4, 3, 1]),
    };
    const c4 = averagePathLength(4);
    const forest = compileForest([tree], 4);
    expect(forestScore(forest, [0], 0)).toBe(-Math.pow(2, -(1 + averagePathLength(3)) / c4));
    expect(forestScore(forest, [0.5], 0)).toBe(-Math.pow(2, -(1 + averagePathLength(3)) / c4));
    expect(forestScore(forest, [1], 0)).toBe(-Math.pow(2, -1 / c4));
  });

  it('walks trees whose nodes are not in pre-order, several per forest', () => {
    // Same shape as above, children listed right leaf first; a second tree that is one leaf.
    const shuffled: IsolationTree = {
      feature: [0, -1, -1],
      threshold: [0.5, 0, 0],
      left: [2, -1, -1],
      right: [1, -1, -1],
      size: [4, 1, 3],
    };
    const leaf: IsolationTree = {feature: [-1], threshold: [0], left: [-1], right: [-1], size: [4]};
    const forest = compileForest([shuffled, leaf], 4);
    const c4 = averagePathLength(4);
    const norm = 2 * c4;
    expect(forestScore(forest, [0], 0)).toBe(-Math.pow(2, -(1 + averagePathLength(3) + c4) / norm));
    expect(forestScore(forest, [9, 0], 1)).toBe(
      -Math.pow(2, -(1 + averagePathLength(3) + c4) / norm),
    );
    expect(forestScore(forest, [1], 0)).toBe(-Math.pow(2, -(1 + 0 + c4) / norm));
  });

  it('is deterministic for a seed', () => {
    const again = fitIsolationForest(x, options);
    expect(again.model).toEqual(fit.model);
    const other = fitIsolationForest(x, {...options, seed: 1});
    expect(other.model.threshold).not.toBe(fit.model.threshold);
  });
});

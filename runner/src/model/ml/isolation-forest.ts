import {compileForest, forestScore, type IsolationTree} from '../isolation-kernels.js';
import type {IsolationForestModel} from '../types.js';
import type {Matrix} from './matrix.js';
import {percentile} from './percentile.js';
import {Random} from './random.js';

/** Settings of {@link fitIsolationForest}; the defaults are scikit-learn's. */
export interface IsolationForestOptions {
  readonly nEstimators: number;
  readonly maxSamples: number;
  readonly contamination: number;
  readonly seed: number;
}

/** A fitted forest, the training rows' scores and which rows it flags. */
export interface IsolationForestFit {
  readonly model: IsolationForestModel;
  readonly scores: Float64Array;
  readonly isOutlier: Uint8Array;
}

/** A grown tree as typed arrays. */
interface TreeArrays extends IsolationTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly size: Float64Array;
}

/**
 * scikit-learn's Isolation Forest: each tree grows on `maxSamples` rows drawn without
 * replacement, splitting on a uniformly random non-constant feature at a uniform threshold in
 * (min, max) of the node, down to depth ceil(log2(maxSamples)) or single rows. A row is an
 * outlier when its `score_samples` value is below the `contamination` percentile of all
 * training scores (numpy's linear interpolation).
 */
export function fitIsolationForest(x: Matrix, options: IsolationForestOptions): IsolationForestFit {
  if (x.rows < 2) throw new RangeError('The Isolation Forest needs at least 2 rows.');
  const rng = new Random(options.seed);
  const psi = Math.min(options.maxSamples, x.rows);
  const maxDepth = Math.ceil(Math.log2(Math.max(psi, 2)));
  const trees: TreeArrays[] = [];
  for (let t = 0; t < options.nEstimators; t++) {
    trees.push(growTree(x, rng.sample(x.rows, psi), maxDepth, rng));
  }
  const scores = new Float64Array(x.rows);
  // Training rows are scored by the same compiled walk as served instances.
  const forest = compileForest(trees, psi);
  for (let i = 0; i < x.rows; i++) scores[i] = forestScore(forest, x.data, i * x.cols);
  const threshold = percentile(scores, 100 * options.contamination);
  const isOutlier = new Uint8Array(x.rows);
  for (let i = 0; i < x.rows; i++) isOutlier[i] = (scores[i] as number) < threshold ? 1 : 0;
  return {
    model: {
      nEstimators: options.nEstimators,
      maxSamples: psi,
      contamination: options.contamination,
      threshold,
      trees: trees.map((tree) => ({
        feature: Array.from(tree.feature),
        threshold: Array.from(tree.threshold),
        left: Array.from(tree.left),
        right: Array.from(tree.right),
        size: Array.from(tree.size),
      })),
    },
    scores,
    isOutlier,
  };
}

function growTree(x: Matrix, rows: Int32Array, maxDepth: number, rng: Random): TreeArrays {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const size: number[] = [];
  const p = x.cols;
  const min = new Float64Array(p);
  const max = new Float64Array(p);
  const candidates = new Int32Array(p);

  // Pre-order: a node's children always come after it (model validation relies on that).
  const grow = (start: number, end: number, depth: number): number => {
    const id = feature.length;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    size.push(end - start);
    if (depth >= maxDepth || end - start <= 1) return id;
    min.fill(Infinity);
    max.fill(-Infinity);
    for (let r = start; r < end; r++) {
      const base = (rows[r] as number) * p;
      for (let j = 0; j < p; j++) {
        const v = x.data[base + j] as number;
        if (v < (min[j] as number)) min[j] = v;
        if (v > (max[j] as number)) max[j] = v;
      }
    }
    let nCandidates = 0;
    for (let j = 0; j < p; j++)
      if ((max[j] as number) > (min[j] as number)) candidates[nCandidates++] = j;
    if (nCandidates === 0) return id;
    const f = candidates[rng.int(nCandidates)] as number;
    const lo = min[f] as number;
    const hi = max[f] as number;
    let cut = lo + rng.float() * (hi - lo);
    if (cut >= hi) cut = lo;
    // Partition rows[start, end) so rows with x[f] <= cut come first, keeping their order.
    const goLeft: number[] = [];
    const goRight: number[] = [];
    for (let r = start; r < end; r++) {
      const row = rows[r] as number;
      ((x.data[row * p + f] as number) <= cut ? goLeft : goRight).push(row);
    }
    rows.set(goLeft, start);
    rows.set(goRight, start + goLeft.length);
    feature[id] = f;
    threshold[id] = cut;
    left[id] = grow(start, start + goLeft.length, depth + 1);
    right[id] = grow(start + goLeft.length, end, depth + 1);
    return id;
  };
  grow(0, rows.length, 0);
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    size: Float64Array.from(size),
  };
}

/**
 * Isolation Forest scoring as scikit-learn defines it (`IsolationForest.score_samples`).
 */

const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n points,
 * which normalises depths: 0 for n <= 1, 1 for n = 2, else 2 (ln(n - 1) + gamma) - 2 (n - 1) / n.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** One tree as flat arrays (model.json's form); node i is a leaf when feature[i] is -1. */
export interface IsolationTree {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  readonly size: ArrayLike<number>;
}

/**
 * A whole forest in one set of typed arrays, node indices absolute across trees, so scoring walks
 * memory without per-tree objects. Each leaf's path length (depth + c(size)) is computed here
 * once rather than on every visit; it is the same expression, so scores stay bit-identical.
 */
export interface CompiledForest {
  /** Split feature of each node; -1 for a leaf. */
  readonly feature: Int32Array;
  /** An inner node's split threshold; a leaf's whole path length, depth + c(leaf size). */
  readonly value: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** The root node of each tree, in tree order (the order path lengths are summed in). */
  readonly roots: Int32Array;
  /** nTrees x c(maxSamples): what the summed path lengths are divided by. */
  readonly normaliser: number;
}

/** Flattens trees into a {@link CompiledForest}; `maxSamples` is the per-tree sample size. */
export function compileForest(trees: readonly IsolationTree[], maxSamples: number): CompiledForest {
  let total = 0;
  for (const tree of trees) total += tree.feature.length;
  const feature = new Int32Array(total);
  const value = new Float64Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const roots = new Int32Array(trees.length);
  const depth = new Int32Array(total);
  let base = 0;
  trees.forEach((tree, t) => {
    const n = tree.feature.length;
    roots[t] = base;
    // Depths from the root down an explicit stack: node order in the arrays is not relied on.
    const stack = [0];
    const seen = new Uint8Array(n);
    while (stack.length > 0) {
      const node = stack.pop() as number;
      if (node < 0 || node >= n || seen[node]) continue;
      seen[node] = 1;
      const at = base + node;
      const f = tree.feature[node] as number;
      if (f < 0) {
        feature[at] = -1;
        value[at] = (depth[at] as number) + averagePathLength(tree.size[node] as number);
        continue;
      }
      const l = tree.left[node] as number;
      const r = tree.right[node] as number;
      feature[at] = f;
      value[at] = tree.threshold[node] as number;
      left[at] = base + l;
      right[at] = base + r;
      depth[base + l] = (depth[at] as number) + 1;
      depth[base + r] = (depth[at] as number) + 1;
      stack.push(r, l);
    }
    base += n;
  });
  return {
    feature,
    value,
    left,
    right,
    roots,
    normaliser: trees.length * averagePathLength(maxSamples),
  };
}

/**
 * scikit-learn's `score_samples`: -2^(-E[h(x)] / c(maxSamples)), in (-1, 0); lower is more
 * abnormal. h(x) is the edges from the root to the row's leaf plus c(leaf size); a row goes left
 * when its value is <= the node's threshold.
 */
export function forestScore(forest: CompiledForest, row: ArrayLike<number>, rOff: number): number {
  const {feature, value, left, right, roots} = forest;
  let depths = 0;
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t] as number;
    let f = feature[node] as number;
    while (f >= 0) {
      node =
        (row[rOff + f] as number) <= (value[node] as number)
          ? (left[node] as number)
          : (right[node] as number);
      f = feature[node] as number;
    }
    depths += value[node] as number;
  }
  return -Math.pow(2, -depths / forest.normaliser);
}

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

/** One tree as flat arrays; node i is a leaf when feature[i] is -1. */
export interface CompiledTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly size: Float64Array;
}

/**
 * Path length of a row in one tree: edges from the root to its leaf plus c(leaf size). A row goes
 * left when its value is <= the node's threshold.
 */
export function pathLength(tree: CompiledTree, row: ArrayLike<number>, rOff: number): number {
  let node = 0;
  let depth = 0;
  for (;;) {
    const f = tree.feature[node] as number;
    if (f < 0) break;
    node =
      (row[rOff + f] as number) <= (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
    depth++;
  }
  return depth + averagePathLength(tree.size[node] as number);
}

/**
 * scikit-learn's `score_samples`: -2^(-E[h(x)] / c(maxSamples)), in (-1, 0); lower is more
 * abnormal.
 */
export function forestScore(
  trees: readonly CompiledTree[],
  maxSamples: number,
  row: ArrayLike<number>,
  rOff: number,
): number {
  let depths = 0;
  for (const tree of trees) depths += pathLength(tree, row, rOff);
  return -Math.pow(2, -depths / (trees.length * averagePathLength(maxSamples)));
}

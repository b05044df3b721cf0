/** Cluster sizes for labels in [0, k). */
export function clusterSizes(labels: ArrayLike<number>, k: number): Int32Array {
  const sizes = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) sizes[labels[i] as number]! += 1;
  return sizes;
}

/**
 * The label range k (labels in [0, k)) of a labeling of `n` rows, refusing what scikit-learn's
 * cluster metrics refuse: fewer than 2 clusters in use, or as many as rows.
 */
export function labelCount(labels: ArrayLike<number>, n: number): number {
  let k = 0;
  for (let i = 0; i < labels.length; i++) k = Math.max(k, (labels[i] as number) + 1);
  const sizes = clusterSizes(labels, k);
  const used = sizes.filter((s) => s > 0).length;
  if (used < 2 || used > n - 1) {
    throw new RangeError(
      `Cluster metrics need 2 <= clusters <= rows - 1, got ${used} clusters for ${n} rows.`,
    );
  }
  return k;
}

import type {FeatureHistogram} from '../../model/index.js';

/** PSI bands (the usual credit-scoring rule of thumb, as DESIGN section 8 fixes them). */
export type DriftVerdict = 'stable' | 'watch' | 'drift';

/** Proportions below this are floored, so an empty bin on one side gives a large, finite PSI. */
const MIN_PROPORTION = 1e-4;

/** Live values binned with a training histogram's edges. */
export interface BinnedValues {
  /** One count per training bin; out-of-range values are counted in the nearest end bin. */
  readonly counts: number[];
  /** Values below the training minimum / above the training maximum. */
  readonly below: number;
  readonly above: number;
}

/**
 * Bins values like numpy.histogram with the given edges: [e0, e1), ..., [e(n-1), en]. Values
 * outside the training range go to the end bins too, because a shifted feature must raise PSI.
 */
export function binValues(values: ArrayLike<number>, histogram: FeatureHistogram): BinnedValues {
  const edges = histogram.edges;
  const bins = histogram.counts.length;
  const lo = edges[0] ?? 0;
  const hi = edges[bins] ?? 0;
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < lo) below++;
    else if (v > hi) above++;
    const b = bucket(edges, bins, v);
    counts[b] = (counts[b] as number) + 1;
  }
  return {counts, below, above};
}

function bucket(edges: readonly number[], bins: number, v: number): number {
  let lo = 0;
  let hi = bins - 1;
  // Last bin whose left edge is <= v (binary search; edges ascend).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((edges[mid] as number) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Population stability index of `actual` against `expected` counts over the same bins. */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  const e = proportions(expected);
  const a = proportions(actual);
  let sum = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = e[i] as number;
    const ai = a[i] as number;
    sum += (ai - ei) * Math.log(ai / ei);
  }
  return sum;
}

function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => Math.max(total > 0 ? c / total : 0, MIN_PROPORTION));
}

/** < 0.1 stable, < 0.25 watch, else drift. */
export function verdictOf(value: number): DriftVerdict {
  return value < 0.1 ? 'stable' : value < 0.25 ? 'watch' : 'drift';
}

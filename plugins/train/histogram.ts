import type {FeatureHistogram} from '../../runner/src/model/types.js';

/**
 * numpy.histogram(values, bins): equal-width bins between min and max (min - 0.5 .. max + 0.5
 * for a constant column), the last bin closed on the right.
 */
export function histogram(values: Float64Array, bins: number): FeatureHistogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const step = (hi - lo) / bins;
  const edges = Array.from({length: bins + 1}, (_, i) => (i === bins ? hi : lo + i * step));
  const counts = new Array<number>(bins).fill(0);
  const norm = bins / (hi - lo);
  for (const v of values) {
    let b = Math.min(Math.floor((v - lo) * norm), bins - 1);
    // The arithmetic bin can be one off near an edge; the edges themselves decide.
    if (v < (edges[b] as number)) b--;
    else if (b < bins - 1 && v >= (edges[b + 1] as number)) b++;
    counts[b] = (counts[b] as number) + 1;
  }
  return {edges, counts};
}

/**
 * One generated kernel per column count, compiled once: `source()` writes the body for exactly
 * `d` columns, unrolled, so the engine keeps the sums in registers with no loop counter or
 * per-column bounds.
 */
function generated<K>(
  cache: Map<number, K>,
  d: number,
  params: readonly string[],
  source: () => string,
): K {
  if (!Number.isInteger(d) || d < 0)
    throw new RangeError(`columns must be an integer >= 0, got ${d}`);
  let kernel = cache.get(d);
  if (!kernel) {
    kernel = new Function(...params, source()) as K;
    cache.set(d, kernel);
  }
  return kernel;
}

/** Squared euclidean distance between a[aOff..aOff+d) and b[bOff..bOff+d). */
export type DistanceKernel = (
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
) => number;

const kernels = new Map<number, DistanceKernel>();

/**
 * The squared distance for exactly `d` columns, about twice as fast as the loop in k-means'
 * inner loops. The additions run in the same order as `squaredDistance`, so both give the
 * same bits.
 */
export function distanceKernel(d: number): DistanceKernel {
  return generated(kernels, d, ['a', 'aOff', 'b', 'bOff'], () => {
    let body = 'let s = 0;\nlet e = 0;\n';
    for (let j = 0; j < d; j++) body += `e = a[aOff + ${j}] - b[bOff + ${j}];\ns += e * e;\n`;
    return `${body}return s;`;
  });
}

/**
 * For row `aOff` of `a`, the nearest of the first `k` rows of `b` (the lower index on ties): its
 * index is returned, its squared distance and the second smallest go to out[0] and out[1].
 */
export type NearestRowsKernel = (
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  k: number,
  out: Float64Array,
) => number;

const nearestKernels = new Map<number, NearestRowsKernel>();

/**
 * k-means' assignment scan for exactly `d` columns: the row's values stay in locals while every
 * centre is compared, so each distance costs d loads instead of 2d and no call. Every sum adds
 * its columns in order and takes a - b, as {@link distanceKernel} does: the same bits.
 */
export function nearestRowsKernel(d: number): NearestRowsKernel {
  return generated(nearestKernels, d, ['a', 'aOff', 'b', 'k', 'out'], () => {
    let body = '';
    for (let j = 0; j < d; j++) body += `const a${j} = a[aOff + ${j}];\n`;
    body += 'let best = 0;\nlet bestDist = Infinity;\nlet second = Infinity;\n';
    body += `for (let c = 0, bOff = 0; c < k; c++, bOff += ${d}) {\n`;
    body += 'let s = 0;\nlet e = 0;\n';
    for (let j = 0; j < d; j++) body += `e = a${j} - b[bOff + ${j}];\ns += e * e;\n`;
    body += 'if (s < bestDist) {\nsecond = bestDist;\nbestDist = s;\nbest = c;\n}';
    body += ' else if (s < second) {\nsecond = s;\n}\n}\n';
    return `${body}out[0] = bestDist;\nout[1] = second;\nreturn best;\n`;
  });
}

/** Squared distances of every row of `data` (n rows) to b[bOff..bOff+d), into out[i]. */
export type DistancesToKernel = (
  data: Float64Array,
  n: number,
  b: Float64Array,
  bOff: number,
  out: Float64Array,
) => void;

const distancesToKernels = new Map<number, DistancesToKernel>();

/**
 * k-means++'s pass over all rows for one candidate centre, for exactly `d` columns: the centre's
 * values stay in locals. Row minus centre, columns in order, as {@link distanceKernel}: the
 * same bits.
 */
export function distancesToKernel(d: number): DistancesToKernel {
  return generated(distancesToKernels, d, ['data', 'n', 'b', 'bOff', 'out'], () => {
    let body = '';
    for (let j = 0; j < d; j++) body += `const b${j} = b[bOff + ${j}];\n`;
    body += `for (let i = 0, aOff = 0; i < n; i++, aOff += ${d}) {\n`;
    body += 'let s = 0;\nlet e = 0;\n';
    for (let j = 0; j < d; j++) body += `e = data[aOff + ${j}] - b${j};\ns += e * e;\n`;
    return `${body}out[i] = s;\n}\n`;
  });
}

/** Distances (not squared) of the four rows from i0 to every row j, into dist[b * n + j]. */
export type BlockDistanceKernel = (
  data: Float64Array,
  n: number,
  i0: number,
  dist: Float64Array,
) => void;

const blockKernels = new Map<number, BlockDistanceKernel>();

/**
 * The silhouette's distance block for exactly `d` columns: the four rows' values stay in locals,
 * each other row is read once for the four distances, and every sum adds its columns in order
 * (the same bits as the loop). About 2.3x faster than the loop on the real data's 8 columns.
 */
export function blockDistanceKernel(d: number): BlockDistanceKernel {
  return generated(blockKernels, d, ['data', 'n', 'i0', 'dist'], () => {
    const rows = [0, 1, 2, 3];
    let body = '';
    for (const r of rows)
      for (let t = 0; t < d; t++) body += `const a${r}_${t} = data[i0 * ${d} + ${r * d + t}];\n`;
    body += `for (let j = 0, jb = 0; j < n; j++, jb += ${d}) {\n`;
    for (let t = 0; t < d; t++) body += `const v${t} = data[jb + ${t}];\n`;
    for (const r of rows) {
      body += `let s${r} = 0;\nlet e${r} = 0;\n`;
      for (let t = 0; t < d; t++) body += `e${r} = a${r}_${t} - v${t};\ns${r} += e${r} * e${r};\n`;
      body += `dist[${r} * n + j] = Math.sqrt(s${r});\n`;
    }
    return `${body}}\n`;
  });
}

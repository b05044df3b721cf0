/** Squared euclidean distance between a[aOff..aOff+d) and b[bOff..bOff+d). */
export type DistanceKernel = (
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
) => number;

const kernels = new Map<number, DistanceKernel>();

/**
 * The squared distance for exactly `d` columns, unrolled: the engine then keeps the sum in a
 * register without a loop counter or per-column bounds, about twice as fast as the loop in
 * k-means' inner loops. The additions run in the same order as
 * `squaredDistance`, so both give the same bits.
 */
export function distanceKernel(d: number): DistanceKernel {
  if (!Number.isInteger(d) || d < 0)
    throw new RangeError(`columns must be an integer >= 0, got ${d}`);
  let kernel = kernels.get(d);
  if (!kernel) {
    let body = 'let s = 0;\nlet e = 0;\n';
    for (let j = 0; j < d; j++) body += `e = a[aOff + ${j}] - b[bOff + ${j}];\ns += e * e;\n`;
    kernel = new Function('a', 'aOff', 'b', 'bOff', `${body}return s;`) as DistanceKernel;
    kernels.set(d, kernel);
  }
  return kernel;
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
  if (!Number.isInteger(d) || d < 0)
    throw new RangeError(`columns must be an integer >= 0, got ${d}`);
  let kernel = blockKernels.get(d);
  if (!kernel) {
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
    body += '}\n';
    kernel = new Function('data', 'n', 'i0', 'dist', body) as BlockDistanceKernel;
    blockKernels.set(d, kernel);
  }
  return kernel;
}

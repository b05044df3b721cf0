/** A dense row-major matrix of doubles; the numeric kernels work on these. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new RangeError(`A ${rows}x${cols} matrix needs ${rows * cols} values, got ${d.length}.`);
  }
  return {data: d, rows, cols};
}

/** Builds a matrix from rows of numbers (tests and fixtures). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const m = matrix(rows.length, cols);
  rows.forEach((r, i) => {
    if (r.length !== cols)
      throw new RangeError(`Row ${i} has ${r.length} values, expected ${cols}.`);
    m.data.set(r, i * cols);
  });
  return m;
}

/** The rows at `indices`, in that order. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  }
  return out;
}

/** Column means, summed in row order. */
export function columnMeans(m: Matrix): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++)
      mean[j] = (mean[j] as number) + (m.data[i * m.cols + j] as number);
  }
  for (let j = 0; j < m.cols; j++) mean[j] = (mean[j] as number) / m.rows;
  return mean;
}

/** Population (n) variance per column, two-pass. */
export function columnVariances(m: Matrix, mean = columnMeans(m)): Float64Array {
  const v = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const d = (m.data[i * m.cols + j] as number) - (mean[j] as number);
      v[j] = (v[j] as number) + d * d;
    }
  }
  for (let j = 0; j < m.cols; j++) v[j] = (v[j] as number) / m.rows;
  return v;
}

import type {DuckDBConnection} from '@duckdb/node-api';
import {matrix, type Matrix} from '../../runner/src/model/ml/matrix.js';

/** The k-means input (PCA scores of the non-outlier customers) and their final labels. */
export interface KMeansInput {
  readonly x: Matrix;
  readonly labels: Int32Array;
  /** Every customer, outliers included, for the scatter plot. */
  readonly all: {
    readonly pc1: Float64Array;
    readonly pc2: Float64Array;
    readonly cluster: Int32Array;
    readonly isOutlier: Uint8Array;
  };
}

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Reads segments.parquet (DESIGN.md section 7) with `nComponents` PC columns. */
export async function readSegments(
  db: DuckDBConnection,
  path: string,
  nComponents: number,
): Promise<KMeansInput> {
  const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${q(path)})`);
  const found = described.getRowObjectsJson().map((r) => String(r['column_name']));
  const pcs = Array.from({length: nComponents}, (_, c) => `PC${c + 1}`);
  const missing = ['CustomerID', ...pcs, 'cluster', 'is_outlier'].filter((c) => !found.includes(c));
  if (missing.length > 0) {
    throw new Error(
      `segments.parquet (${path}) lacks ${missing.join(', ')}; the model has ${nComponents} components, ` +
        `so it needs CustomerID, PC1..PC${nComponents}, cluster, is_outlier (found ${found.join(', ')}). ` +
        'Were model.json and segments.parquet written by the same train run?',
    );
  }
  const reader = await db.runAndReadAll(
    `SELECT ${pcs.join(', ')}, cluster, is_outlier FROM read_parquet(${q(path)}) ORDER BY CustomerID`,
  );
  const columns = reader.getColumns();
  const n = columns[0]?.length ?? 0;
  const cluster = Int32Array.from(columns[nComponents] ?? [], Number);
  const isOutlier = Uint8Array.from(columns[nComponents + 1] ?? [], (v) => (v === true ? 1 : 0));
  const inliers = isOutlier.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
  const x = matrix(inliers, nComponents);
  const labels = new Int32Array(inliers);
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (isOutlier[i] === 1) continue;
    for (let c = 0; c < nComponents; c++) x.data[r * nComponents + c] = Number(columns[c]?.[i]);
    labels[r++] = cluster[i] as number;
  }
  const column = (c: number): Float64Array =>
    Float64Array.from(columns[c] ?? [], (v) => (c < nComponents ? Number(v) : 0));
  return {
    x,
    labels,
    all: {
      pc1: column(0),
      pc2: nComponents > 1 ? column(1) : new Float64Array(n),
      cluster,
      isOutlier,
    },
  };
}

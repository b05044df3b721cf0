import {DuckDBInstance} from '@duckdb/node-api';
const {fitKMeansRun, kMeansTolerance, runSeeds} = await import('./dist/runner/src/model/ml/kmeans.js');
const {matrix} = await import('./dist/runner/src/model/ml/matrix.js');
const db = await (await DuckDBInstance.create(':memory:')).connect();
const r = await db.runAndReadAll(`SELECT * EXCLUDE (CustomerID, cluster, is_outlier) FROM '/tmp/flag/data/processed/segments.parquet' WHERE NOT is_outlier`);
const cols = r.columnNames().filter((c) => c.startsWith('PC'));
const rows = r.getRowObjectsJS();
const data = Float64Array.from(rows.flatMap((row) => cols.map((c) => Number(row[c]))));
const x = matrix(rows.length, cols.length, data);
console.log('rows', x.rows, 'cols', x.cols);
for (const k of [10, 10, 10, 10, 10, 10, 10, 10]) {
  const opts = {k, nInit: 10, maxIter: 300, tol: 1e-4, seed: 0};
  const tol = kMeansTolerance(x, opts);
  const seeds = runSeeds(opts);
  for (let rep = 0; rep < 2; rep++) {
    const t = performance.now(); let its = 0;
    for (const s of seeds) its += fitKMeansRun(x, opts, s, tol).iterations;
    console.log('k', k, 'rep', rep, 'ms/fit', ((performance.now() - t) / 10).toFixed(2), 'iters/fit', its / 10);
  }
}

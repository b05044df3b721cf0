// train + evaluate (incl. the silhouette sweep k = 2..10) against scikit-learn doing the same,
// side by side in one run, each as a fresh process (imports included). Prints figures; asserts
// nothing. Needs `npm run build` first, the real CSV in ../shared/data, and Debian's python3-sklearn.
//   node bench/ml-bench.mjs [rounds=3]
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import ts from 'typescript';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const csv = path.resolve(repo, '../shared/data/online-retail.csv.gz');
const python = '/usr/bin/python3';
if (!existsSync(csv) || !existsSync(python)) {
  console.log(`ml-bench skipped: needs ${csv} and ${python} (with python3-sklearn).`);
  process.exit(0);
}
const rounds = Number(process.argv[2] ?? 3);

// The feature tables come from the independent DuckDB reference of SEMANTICS.md used by the
// tests (test/ml/reference-features.ts), transpiled next to the compiled code.
const source = path.join(repo, 'test/ml/reference-features.ts');
const compiled = path.join(repo, 'dist/bench/reference-features.mjs');
mkdirSync(path.dirname(compiled), {recursive: true});
const {readFileSync} = await import('node:fs');
writeFileSync(
  compiled,
  ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
  }).outputText,
);
const {writeReferenceFeatures} = await import(pathToFileURL(compiled).href);
const work = mkdtempSync(path.join(tmpdir(), 'ml-bench-'));
const tables = await writeReferenceFeatures(csv, work);

// scikit-learn has no Parquet reader here (no pyarrow): it gets the same tables as CSV.
const {DuckDBInstance} = await import('@duckdb/node-api');
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const featuresCsv = path.join(work, 'features.csv');
const cleanCsv = path.join(work, 'clean.csv');
await db.run(`COPY (SELECT * FROM '${tables.customers}' JOIN '${tables.seasonality}' USING (CustomerID)
  ORDER BY CustomerID) TO '${featuresCsv}' (HEADER)`);
await db.run(
  `COPY (SELECT CustomerID, StockCode, Description, Quantity FROM '${tables.clean}') TO '${cleanCsv}' (HEADER)`,
);
db.closeSync();
instance.closeSync();

const runOurs = (i) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [path.join(repo, 'bench/ml-bench.ours.mjs'), work, path.join(work, `ours-${i}`)],
      {
        encoding: 'utf8',
      },
    ),
  );
const runPython = (i) =>
  JSON.parse(
    execFileSync(
      python,
      [
        path.join(repo, 'bench/ml-bench.sklearn.py'),
        featuresCsv,
        cleanCsv,
        path.join(work, `py-${i}`),
      ],
      {
        encoding: 'utf8',
      },
    ),
  );

const ours = [];
const py = [];
for (let i = 0; i < rounds; i++) {
  ours.push(runOurs(i));
  py.push(runPython(i));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s) => `${s.toFixed(3)} s`;
const row = (label, runs) => {
  const phases = Object.keys(runs[0].phases)
    .map((k) => `${k} ${fmt(median(runs.map((r) => r.phases[k])))}`)
    .join(', ');
  return `${label.padEnd(14)} ${fmt(median(runs.map((r) => r.total)))} wall, ${fmt(median(runs.map((r) => r.cpu)))} CPU  peak RSS ${median(runs.map((r) => r.maxRssMB)).toFixed(0)} MB  (${phases})`;
};
console.log(
  `train + evaluate incl. silhouette sweep k=2..10, real data, median of ${rounds} alternating runs`,
);
console.log(row('ours (node)', ours));
console.log(row('scikit-learn', py));
const ratio = median(py.map((r) => r.total)) / median(ours.map((r) => r.total));
const cpuRatio = median(py.map((r) => r.cpu)) / median(ours.map((r) => r.cpu));
console.log(
  `ratio scikit-learn / ours: wall ${ratio.toFixed(2)}x (goal >= 3x), CPU time ${cpuRatio.toFixed(2)}x`,
);
const load = (await import('node:os')).loadavg()[0];
if (load > 1.5)
  console.log(
    `note: 1-minute load average ${load.toFixed(1)} on this machine: wall times are inflated`,
  );
const o = ours[0];
const p = py[0];
console.log(
  `results: outliers ${o.outliers} vs ${p.outliers}; components ${o.components} vs ${p.components}; ` +
    `sizes ${o.sizes.join('/')} vs ${p.sizes.join('/')}; silhouette ${o.silhouette.toFixed(4)} vs ${p.silhouette.toFixed(4)}`,
);
rmSync(work, {recursive: true, force: true});

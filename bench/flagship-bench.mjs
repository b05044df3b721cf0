// The whole flagship pipeline cold on the real CSV, process start to metrics written, side by side
// in one run with one idiomatic pandas/scikit-learn script doing the same work
// (bench/flagship_pandas_sklearn.py). Prints figures; asserts nothing.
//   npx tsc -p tsconfig.json && node bench/flagship-bench.mjs [rounds=3]
// Ours: a fresh temp project (pipeline.yaml + params.yaml, no cache), `runner repro evaluate`.
// Peak memory is the maximum over time of the summed RSS of the whole process tree (the runner and
// its stage workers), sampled every 50 ms from /proc; summed RSS counts pages shared between
// processes (the node binary, libraries) once per process, so PSS is shown beside it.
// CPU time (user + system of the process and its waited-for descendants) comes from /usr/bin/time:
// on a shared, loaded machine it is steadier than wall time.
import {spawn, spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import path from 'node:path';
import {clearInterval, setInterval} from 'node:timers';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CSV = '/work/shared/data/online-retail.csv.gz';
const PY = '/usr/bin/python3';
const TIME = '/usr/bin/time';
const SAMPLE_MS = 50;
const rounds = Number(process.argv[2] ?? 3);

// The original's phase timings (SEMANTICS.md, reference figures): read CSV, clean, features, to the
// k=3 metrics, then its silhouette sweep k=2..15 "another 2.4-8 s". Our sweep is k=2..10, a subset
// of the original's, so its fastest figure (2.4 s) is the fair, conservative peer; the original
// without any sweep is shown too as the strictest floor. Its figures exclude interpreter start and
// imports, which our span includes.
const ORIGINAL_TO_K3_S = 0.43 + 0.47 + 2.4 + 3.75;
const ORIGINAL_SWEEP_MIN_S = 2.4;

const skip = (why) => {
  console.log(`flagship-bench skipped: ${why}`);
  process.exit(0);
};
if (!existsSync(CSV)) skip(`needs the real CSV at ${CSV}.`);
if (!existsSync(PY) || spawnSync(PY, ['-c', 'import pandas, sklearn']).status !== 0)
  skip(`needs ${PY} with python3-pandas and python3-sklearn.`);
if (!existsSync(TIME)) skip(`needs ${TIME} (GNU time) for the CPU figures.`);
if (!existsSync(path.join(repo, 'dist/runner/src/cli/main.js')))
  skip('build first: npx tsc -p tsconfig.json');

const work = mkdtempSync(path.join(tmpdir(), 'flagship-bench-'));
const PAGE = 4096;

/**
 * Child pids of `pid`. Only the main thread's list is read: node and Python start processes from
 * their main thread, and reading every thread's list (node runs a dozen, DuckDB more) every 50 ms
 * cost enough CPU to slow down the runs being measured.
 */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean);
  } catch {
    return []; // the process exited between two reads
  }
}

/** [RSS, PSS] in bytes of one process, 0 when it has gone. */
function memoryOf(pid) {
  try {
    const rss = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
    const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return [rss, Number(pss?.[1] ?? 0) * 1024];
  } catch {
    return [0, 0];
  }
}

/** Summed [RSS, PSS] of the descendants of `root` (not `root` itself: it is /usr/bin/time). */
function treeMemory(root) {
  let rss = 0;
  let pss = 0;
  const stack = childrenOf(root);
  while (stack.length > 0) {
    const pid = stack.pop();
    const [r, p] = memoryOf(pid);
    rss += r;
    pss += p;
    stack.push(...childrenOf(pid));
  }
  return [rss, pss];
}

/** Runs a command under GNU time; wall s from spawn to exit, CPU s, peak tree RSS/PSS (MB). */
function measure(cmd, args, cwd, env = process.env) {
  const timeFile = path.join(work, 'time.txt');
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%U %S', '-o', timeFile, cmd, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    let peakRss = 0;
    let peakPss = 0;
    const sample = () => {
      const [rss, pss] = treeMemory(child.pid);
      peakRss = Math.max(peakRss, rss);
      peakPss = Math.max(peakPss, pss);
    };
    const timer = setInterval(sample, SAMPLE_MS);
    sample();
    child.on('error', reject);
    child.on('exit', (code) => {
      const wall = Number(process.hrtime.bigint() - start) / 1e9;
      clearInterval(timer);
      if (code !== 0)
        return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${stderr}`));
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ');
      resolve({
        stdout,
        wall,
        cpu: Number(user) + Number(sys),
        rssMb: peakRss / 2 ** 20,
        pssMb: peakPss / 2 ** 20,
      });
    });
  });
}

async function runOurs(i) {
  const project = path.join(work, `ours-${i}`);
  mkdirSync(project);
  for (const f of ['pipeline.yaml', 'params.yaml'])
    copyFileSync(path.join(repo, f), path.join(project, f));
  const runner = path.join(repo, 'runner/bin/runner.js');
  const args = [runner, 'repro', 'evaluate', '-q', '--set', `data.url=${CSV}`];
  const r = await measure(process.execPath, args, project);
  const metrics = JSON.parse(readFileSync(path.join(project, 'reports/metrics.json'), 'utf8'));
  rmSync(project, {recursive: true, force: true});
  // The runner's per-stage lines, e.g. "✓ clean: run 1.1s (never ran)".
  const phases = Object.fromEntries(
    [...r.stdout.matchAll(/✓ ([\w-]+): run ([\d.]+)(ms|s)/g)].map(([, stage, n, unit]) => [
      stage,
      Number(n) / (unit === 'ms' ? 1000 : 1),
    ]),
  );
  return {...r, metrics, phases};
}

// The least any cold run from this CSV must do: start node, load DuckDB and read the CSV into
// memory with its schema given (no sniffing, nothing written, no cleaning or modelling).
const FLOOR_SCRIPT = `
const {createRequire} = await import('node:module');
const {DuckDBInstance} = createRequire(process.cwd() + '/')('@duckdb/node-api');
const db = await (await DuckDBInstance.create(':memory:', {threads: '2'})).connect();
await db.run(\`CREATE TABLE t AS SELECT * FROM read_csv('${CSV}', header = true, auto_detect = false,
  columns = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR',
  'Quantity': 'INTEGER', 'InvoiceDate': 'VARCHAR', 'UnitPrice': 'DOUBLE', 'CustomerID': 'VARCHAR',
  'Country': 'VARCHAR'})\`);
`;

async function runFloor() {
  return measure(process.execPath, ['--input-type=module', '-e', FLOOR_SCRIPT], repo);
}

async function runPython(i, env) {
  const out = path.join(work, `py-${i}`);
  const script = path.join(repo, 'bench/flagship_pandas_sklearn.py');
  const r = await measure(PY, [script, CSV, out], repo, env);
  const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  rmSync(out, {recursive: true, force: true});
  return {...r, metrics, phases: JSON.parse(r.stdout.trim().split('\n').pop()).phases};
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(`flagship bench: load average at start ${load()} (machine shared, 2 cores)`);
const ours = [];
const py = [];
const py1 = [];
const floor = [];
// scikit-learn's k-means runs OpenMP threads (one per core by default); when other work holds the
// cores they spin and wait, which can double its wall time, so it also runs single-threaded and
// the ratio is taken against the faster of the two.
const singleThread = {...process.env, OMP_NUM_THREADS: '1'};
for (let i = 0; i < rounds; i++) {
  ours.push(await runOurs(i));
  py.push(await runPython(i, process.env));
  py1.push(await runPython(i, singleThread));
  floor.push(await runFloor());
}
rmSync(work, {recursive: true, force: true});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stat = (runs, key) => median(runs.map((r) => r[key]));
const row = (label, runs) =>
  `  ${label.padEnd(26)} wall ${stat(runs, 'wall').toFixed(2)} s  CPU ${stat(runs, 'cpu').toFixed(2)} s  ` +
  `peak tree RSS ${stat(runs, 'rssMb').toFixed(0)} MB (PSS ${stat(runs, 'pssMb').toFixed(0)} MB)` +
  `  [walls ${runs.map((r) => r.wall.toFixed(2)).join(', ')}]\n` +
  `      median phases: ${Object.keys(runs[0].phases)
    .map((k) => `${k} ${median(runs.map((r) => r.phases[k] ?? 0)).toFixed(2)} s`)
    .join(', ')}`;
console.log(
  `whole flagship pipeline, cold, CSV -> metrics written; median of ${rounds} alternating runs`,
);
console.log(row('ours (runner repro)', ours));
console.log(row('pandas + scikit-learn', py));
console.log(row('  same, OMP_NUM_THREADS=1', py1));
const oursWall = stat(ours, 'wall');
const best = stat(py1, 'wall') < stat(py, 'wall') ? py1 : py;
console.log(
  `  ratio python / ours (faster python variant): wall ${(stat(best, 'wall') / oursWall).toFixed(2)}x ` +
    `(goal >= 2x), CPU ${(stat(best, 'cpu') / stat(ours, 'cpu')).toFixed(2)}x`,
);
const original = ORIGINAL_TO_K3_S + ORIGINAL_SWEEP_MIN_S;
console.log(
  `  ratio original / ours: ${(original / oursWall).toFixed(2)}x against ${original.toFixed(2)} s ` +
    `(read 0.43 + clean 0.47 + features 2.4 + to k=3 metrics 3.75 + fastest sweep 2.4), ` +
    `${(ORIGINAL_TO_K3_S / oursWall).toFixed(2)}x against ${ORIGINAL_TO_K3_S.toFixed(2)} s without its sweep (goal >= 10x)`,
);
console.log(
  `  floor: node start + DuckDB + the CSV read into memory, nothing else: wall ${stat(floor, 'wall').toFixed(2)} s ` +
    `[${floor.map((r) => r.wall.toFixed(2)).join(', ')}]; 10x the original leaves ` +
    `${(original / 10).toFixed(2)} s (${(ORIGINAL_TO_K3_S / 10).toFixed(2)} s without its sweep) for all of it`,
);
// Memory used by a tree of processes is its summed PSS: summed RSS counts the pages our three
// node processes share (the binary, libraries) three times, while the Python peer is one process.
const verdict = (key) => {
  const lowestPy = Math.min(stat(py, key), stat(py1, key));
  return `${stat(ours, key) <= lowestPy ? 'met' : 'not met'} (ours ${stat(ours, key).toFixed(0)} MB, python ${lowestPy.toFixed(0)} MB)`;
};
console.log(`  peak memory ours <= python, summed PSS: ${verdict('pssMb')}`);
console.log(`    by summed RSS instead: ${verdict('rssMb')}`);
const m = (r) =>
  `silhouette ${r.metrics.silhouette.toFixed(4)}, sizes ${r.metrics.sizes.join('/')}`;
console.log(`  results: ours ${m(ours[0])}; python ${m(py[0])}`);
console.log(`load average at end ${load()}`);

// A 4x2 grid of experiments on the real data against the same 8 variants run one after the
// other with `repro --set`, upstream stages already cached in both. Prints the wall-time ratio
// (goal <= 0.65 on 2 cores). Asserts nothing.    node bench/exp-bench.mjs
import {spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'runner', 'bin', 'runner.js');
const csv = path.resolve(repo, '..', 'shared', 'data', 'online-retail.csv.gz');
if (!existsSync(csv)) {
  console.log(`SKIPPED: ${csv} is absent; the experiment bench needs the real dataset.`);
  process.exit(0);
}
const data = `data.url=${csv}`;
const ks = [2, 3, 4, 5];
const nInits = [5, 10];

function project() {
  const dir = mkdtempSync(path.join(tmpdir(), 'runner-exp-bench-'));
  for (const f of ['pipeline.yaml', 'params.yaml'])
    copyFileSync(path.join(repo, f), path.join(dir, f));
  run(dir, ['repro', '--quiet', '--set', data]);
  return dir;
}

function run(cwd, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, ...args], {cwd, stdio: ['ignore', 'ignore', 'pipe']});
  if (r.status !== 0) throw new Error(`runner ${args.join(' ')} failed:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const sequentialDir = project();
const gridDir = project();
let sequential = 0;
for (const k of ks) {
  for (const n of nInits) {
    sequential += run(sequentialDir, [
      'repro',
      '--quiet',
      '--set',
      data,
      '--set',
      `train.k=${k}`,
      '--set',
      `train.nInit=${n}`,
    ]);
  }
}
const grid = run(gridDir, [
  'exp',
  'run',
  '--set',
  data,
  '--grid',
  `train.k=${ks.join(',')}`,
  '--grid',
  `train.nInit=${nInits.join(',')}`,
]);
console.log(`8 variants (train.k x train.nInit) on the real data, upstream cached:`);
console.log(`  one after the other (repro --set): ${sequential.toFixed(2)} s`);
console.log(`  exp run --grid (concurrent):       ${grid.toFixed(2)} s`);
console.log(`  ratio grid/sequential: ${(grid / sequential).toFixed(2)} (goal <= 0.65)`);
rmSync(sequentialDir, {recursive: true, force: true});
rmSync(gridDir, {recursive: true, force: true});

// Runner-core benchmarks, measured side by side in one run. Prints figures; asserts nothing.
//   node bench/core-bench.mjs            (needs `npm run build` first)
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'runner', 'bin', 'runner.js');

function project(pipeline) {
  const dir = mkdtempSync(path.join(tmpdir(), 'runner-bench-'));
  writeFileSync(path.join(dir, 'pipeline.yaml'), pipeline);
  return dir;
}

function wall(cmd, args, cwd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {cwd, stdio: ['ignore', 'ignore', 'pipe']});
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function alternate(n, runs) {
  const times = runs.map(() => []);
  for (let i = 0; i < n; i++) runs.forEach((run, j) => times[j].push(run()));
  return times.map(median);
}

const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;

// (a) Two independent stages that each sleep 1 s.
{
  const dir = project(`stages:
  a:
    cmd: sleep 1 && echo a > a.txt
    outs: [a.txt]
  b:
    cmd: sleep 1 && echo b > b.txt
    outs: [b.txt]
`);
  const ms = wall(process.execPath, [cli, 'repro', '--quiet'], dir);
  console.log(
    `(a) two independent 1 s stages: ${fmt(ms)} wall (goal <= 1.2 s; sequential would be >= 2 s; ratio to 1 s: ${(ms / 1000).toFixed(2)})`,
  );
  rmSync(dir, {recursive: true, force: true});
}

// (b) No-op repro of a 10-stage pipeline, against `node -e ''` measured the same way.
{
  let yaml = 'stages:\n';
  for (let i = 0; i < 10; i++) {
    const dep = i === 0 ? '' : `\n    deps: [s${i - 1}.txt]`;
    yaml += `  s${i}:\n    cmd: echo ${i} > s${i}.txt${dep}\n    outs: [s${i}.txt]\n`;
  }
  const dir = project(yaml);
  wall(process.execPath, [cli, 'repro', '--quiet'], dir);
  const [nodeMs, runnerMs] = alternate(15, [
    () => wall(process.execPath, ['-e', ''], dir),
    () => wall(process.execPath, [cli, 'repro', '--quiet'], dir),
  ]);
  // npx resolves the project's own bin from the repository, so it runs there with -f.
  const npxMs = median(
    [0, 1, 2, 3, 4].map(() =>
      wall(
        'npx',
        ['--no-install', 'runner', 'repro', '--quiet', '-f', path.join(dir, 'pipeline.yaml')],
        repo,
      ),
    ),
  );
  console.log(
    `(b) no-op repro, 10 stages: node cli ${fmt(runnerMs)} vs node -e '' ${fmt(nodeMs)}: ratio ${(runnerMs / nodeMs).toFixed(2)} (goal <= 3); npx runner ${fmt(npxMs)} (DVC: 0.46 s)`,
  );
  rmSync(dir, {recursive: true, force: true});
}

// (c) 1,000 trivial cmd stages: cold run, then a no-op status.
{
  let yaml = 'stages:\n';
  for (let i = 0; i < 1000; i++) {
    const dep = i % 10 === 0 ? '' : `\n    deps: [out/s${i - 1}.txt]`;
    yaml += `  s${i}:\n    cmd: echo ${i} > out/s${i}.txt${dep}\n    outs: [out/s${i}.txt]\n`;
  }
  const dir = project(yaml);
  mkdirSync(path.join(dir, 'out'));
  const cold = wall(process.execPath, [cli, 'repro', '--quiet'], dir);
  wall(process.execPath, [cli, 'status'], dir);
  const status = median([0, 1, 2, 3, 4].map(() => wall(process.execPath, [cli, 'status'], dir)));
  const noop = median([0, 1, 2].map(() => wall(process.execPath, [cli, 'repro', '--quiet'], dir)));
  console.log(
    `(c) 1,000 stages: cold repro ${fmt(cold)} (goal <= 10 s; DVC 469 s), no-op status ${fmt(status)} (goal <= 0.5 s), no-op repro ${fmt(noop)}`,
  );
  rmSync(dir, {recursive: true, force: true});
}

console.log(`machine: ${execFileSync('nproc').toString().trim()} cores, node ${process.version}`);

// Plan-cache benchmarks: what a no-op command costs with and without .runner/state/plan.json,
// measured side by side in one run (alternating, medians). Prints figures; asserts nothing.
//   npx tsc -p tsconfig.json && node bench/analysis-bench.mjs [rounds]
// "cold" removes only plan.json before each run (lock and stat caches stay warm), so the
// difference between cold and warm is the analysis of pipeline.yaml that the plan cache saves.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {availableParallelism, loadavg, tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'runner', 'bin', 'runner.js');
const rounds = Number(process.argv[2] ?? 15);
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);

function project(pipeline) {
  const dir = mkdtempSync(path.join(tmpdir(), 'runner-analysis-bench-'));
  writeFileSync(path.join(dir, 'pipeline.yaml'), pipeline);
  mkdirSync(path.join(dir, 'out'));
  return dir;
}

/** Wall ms (hrtime) and CPU ms (user + system of the child, from /usr/bin/time). */
function measure(args, cwd) {
  const argv = hasTime
    ? [TIME, '-f', 'cpu %U %S', process.execPath, ...args]
    : [process.execPath, ...args];
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), {cwd, stdio: ['ignore', 'ignore', 'pipe']});
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const cpuLine = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr.toString());
  const cpu = cpuLine ? (Number(cpuLine[1]) + Number(cpuLine[2])) * 1000 : NaN;
  return {wall, cpu};
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs each variant once per round, in turn, so load changes hit all of them alike. */
function alternate(n, variants) {
  const walls = variants.map(() => []);
  const cpus = variants.map(() => []);
  for (let i = 0; i < n; i++) {
    variants.forEach((variant, j) => {
      variant.before?.();
      const {wall, cpu} = measure(variant.args, variant.cwd);
      walls[j].push(wall);
      cpus[j].push(cpu);
    });
  }
  return variants.map((_, j) => ({wall: median(walls[j]), cpu: median(cpus[j])}));
}

const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
const both = (m) => `${s(m.wall)} wall, ${Number.isNaN(m.cpu) ? '?' : s(m.cpu)} cpu`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const dropPlan = (dir) => () =>
  rmSync(path.join(dir, '.runner', 'state', 'plan.json'), {force: true});

console.log(
  `load average at start: ${load()} (${availableParallelism()} cores), node ${process.version}, ${rounds} rounds`,
);

// 10-stage no-op repro against `node -e ''`.
{
  let yaml = 'stages:\n';
  for (let i = 0; i < 10; i++) {
    const dep = i === 0 ? '' : `\n    deps: [out/s${i - 1}.txt]`;
    yaml += `  s${i}:\n    cmd: echo ${i} > out/s${i}.txt${dep}\n    outs: [out/s${i}.txt]\n`;
  }
  const dir = project(yaml);
  measure([cli, 'repro', '-q'], dir);
  const [node, cold, warm] = alternate(rounds, [
    {args: ['-e', ''], cwd: dir},
    {args: [cli, 'repro', '-q'], cwd: dir, before: dropPlan(dir)},
    {args: [cli, 'repro', '-q'], cwd: dir},
  ]);
  console.log(`10-stage no-op repro (median of ${rounds}, alternating):`);
  console.log(`  node -e ''        ${both(node)}`);
  console.log(
    `  repro, cold plan  ${both(cold)}  ratio ${(cold.wall / node.wall).toFixed(2)} wall, ${(cold.cpu / node.cpu).toFixed(2)} cpu`,
  );
  console.log(
    `  repro, warm plan  ${both(warm)}  ratio ${(warm.wall / node.wall).toFixed(2)} wall, ${(warm.cpu / node.cpu).toFixed(2)} cpu  (goal <= 3)`,
  );
  rmSync(dir, {recursive: true, force: true});
}

// 1,000 trivial cmd stages: no-op status.
{
  let yaml = 'stages:\n';
  for (let i = 0; i < 1000; i++) {
    const dep = i % 10 === 0 ? '' : `\n    deps: [out/s${i - 1}.txt]`;
    yaml += `  s${i}:\n    cmd: echo ${i} > out/s${i}.txt${dep}\n    outs: [out/s${i}.txt]\n`;
  }
  const dir = project(yaml);
  measure([cli, 'repro', '-q'], dir);
  measure([cli, 'status'], dir);
  const n = Math.max(3, Math.ceil(rounds / 2));
  const [node, cold, warm] = alternate(n, [
    {args: ['-e', ''], cwd: dir},
    {args: [cli, 'status'], cwd: dir, before: dropPlan(dir)},
    {args: [cli, 'status'], cwd: dir},
  ]);
  console.log(`1,000-stage no-op status (median of ${n}, alternating):`);
  console.log(`  node -e ''        ${both(node)}`);
  console.log(`  status, cold plan ${both(cold)}`);
  console.log(`  status, warm plan ${both(warm)}  (goal <= 0.5 s wall)`);
  rmSync(dir, {recursive: true, force: true});
}

console.log(`load average at end: ${load()}`);

/* global performance */
// Scoring micro-benchmark: ops/s (per CPU second, since the machine is shared) of score() on one
// raw instance and of a whole single-instance /predict request through fastify inject().
//   npx tsc -p tsconfig.json && node bench/score-bench.mjs [--model PATH] [--seconds 3]
// Prints figures; asserts nothing.
import {existsSync, readFileSync} from 'node:fs';
import {loadavg} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const workspaceModel = path.join(repo, 'models', 'model.json');
const modelPath = path.resolve(
  option(
    'model',
    existsSync(workspaceModel)
      ? workspaceModel
      : path.join(repo, 'test/fixtures/models/model.json'),
  ),
);
const seconds = Number(option('seconds', '3'));
const dist = path.join(repo, 'dist', 'runner', 'src');
const {score, parseModel} = await import(path.join(dist, 'model', 'index.js'));
const {buildServer, fileModelSource} = await import(path.join(dist, 'server', 'index.js'));

const text = readFileSync(modelPath, 'utf8');
const model = parseModel(text, modelPath);
const instances = model.clusters.map((c) => ({...c.means}));

/** Runs `step` (which does `batch` operations) until `seconds` of CPU time; ops per CPU second. */
async function cpuRate(step, batch) {
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) await step();
  const start = process.cpuUsage();
  let ops = 0;
  let used = 0;
  while (used < seconds * 1e6) {
    await step();
    ops += batch;
    const u = process.cpuUsage(start);
    used = u.user + u.system;
  }
  return ops / (used / 1e6);
}

let sink = 0;
const scoreRate = await cpuRate(() => {
  for (let i = 0; i < 1000; i++) sink += score(model, instances[i % instances.length]).cluster;
}, 1000);

const app = await buildServer({model: fileModelSource(modelPath)});
await app.ready();
const bodies = instances.map((instance) => JSON.stringify({instances: [instance]}));
let n = 0;
const injectRate = await cpuRate(async () => {
  const res = await app.inject({
    method: 'POST',
    url: '/predict',
    headers: {'content-type': 'application/json'},
    payload: bodies[n++ % bodies.length],
  });
  if (res.statusCode !== 200) throw new Error(`predict answered ${res.statusCode}: ${res.body}`);
}, 1);
await app.close();

const fmt = (x) => Math.round(x).toLocaleString('en');
console.log(`model ${path.relative(repo, modelPath)} (${model.isolationForest.nEstimators} trees)`);
console.log(`score(raw instance):        ${fmt(scoreRate)} ops per CPU s`);
console.log(`inject POST /predict (1):   ${fmt(injectRate)} requests per CPU s`);
console.log(
  `load average: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}  (sink ${sink})`,
);

/* global fetch, setInterval, clearInterval, performance */
// Model server benchmark: our fastify server against the original's Flask + scikit-learn peer,
// side by side in one run, then a 60 s soak of ours. Prints figures; asserts nothing.
//   node bench/serve-bench.mjs [--model models/model.json] [--seconds 10] [--soak 60]
// Uses models/model.json when present (a real-size forest), else the test fixture. The server runs
// in a child process from a transpiled copy of runner/src (no build needed); Flask runs on
// /usr/bin/python3. All load stays on 127.0.0.1 and every run is bounded in time.
import {spawn} from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import autocannon from 'autocannon';
import ts from 'typescript';

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
const seconds = Number(option('seconds', '10'));
const soakSeconds = Number(option('soak', '60'));
const CONNECTIONS = 10;

const model = JSON.parse(readFileSync(modelPath, 'utf8'));
const children = [];
const scratch = mkdtempSync(path.join(tmpdir(), 'serve-bench-'));

function transpile(folders, files) {
  const cache = path.join(repo, 'node_modules', '.cache');
  mkdirSync(cache, {recursive: true});
  const out = mkdtempSync(path.join(cache, 'serve-bench-'));
  const visit = (dir) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) visit(file);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
        const {outputText} = ts.transpileModule(readFileSync(file, 'utf8'), {
          compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
          fileName: name,
        });
        const target = path.join(out, path.relative(repo, file)).replace(/\.ts$/, '.js');
        mkdirSync(path.dirname(target), {recursive: true});
        writeFileSync(target, outputText);
      }
    }
  };
  folders.forEach((f) => visit(path.join(repo, f)));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(out, f)), {recursive: true});
    writeFileSync(path.join(out, f), readFileSync(path.join(repo, f)));
  }
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  return out;
}

function startOurs() {
  const out = transpile(['runner/src'], ['schemas/model.schema.json']);
  const script = path.join(out, 'bench-server.mjs');
  writeFileSync(
    script,
    `import {startServer, fileModelSource} from './runner/src/server/index.js';
const server = await startServer({model: fileModelSource(process.argv[2]), port: 0, logDir: process.argv[3]});
console.log(server.url);
`,
  );
  const proc = spawn(process.execPath, [script, modelPath, path.join(scratch, 'log')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push({proc, cleanup: () => rmSync(out, {recursive: true, force: true})});
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`our server exited with ${code}`)));
    createInterface({input: proc.stdout}).once('line', (url) => resolve({proc, url}));
  });
}

async function startFlask() {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const proc = spawn(
    '/usr/bin/python3',
    [path.join(repo, 'bench/flask_predict.py'), modelPath, port],
    {
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  children.push({proc, cleanup: () => undefined});
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering('flask', proc, () => fetch(`${url}/health`), 20);
  return {proc, url};
}

/** Polls `request` every 100 ms until it answers 2xx; fails if `proc` exits or `seconds` pass. */
async function waitUntilAnswering(name, proc, request, seconds) {
  for (let i = 0; i < seconds * 10; i++) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}`);
    if (
      await request().then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not start in ${seconds} s`);
}

// Instances: cluster profiles (raw) and points near the centroids (PCA space), cycled.
const rawRow = (i) => model.clusters[i % model.clusters.length].means;
const pcRow = (i) =>
  model.kmeans.centroids[i % model.kmeans.k].map((v, j) => v + (((i * 7 + j * 3) % 11) - 5) / 10);
const pcObject = (i) => Object.fromEntries(pcRow(i).map((v, j) => [`PC${j + 1}`, v]));
const body = (n, row) => JSON.stringify({instances: Array.from({length: n}, (_, i) => row(i))});

// A lower bound for any fastify server taking these requests: parse the JSON body (fastify's
// default parser), check that every instance has a PC1, answer a fixed 100-prediction body; no
// schema, no scoring, no log, no metrics. Run as 1 and as 2 processes (node:cluster) on the same port.
const FLOOR_SERVER = `
import cluster from 'node:cluster';
import Fastify from 'fastify';
const [processes, port] = process.argv.slice(2).map(Number);
if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i++) cluster.fork();
} else {
  const answer = JSON.stringify({predictions: Array.from({length: 100}, (_, i) => (
    {cluster: i % 3, name: 'recent high spenders', distance: 1.2345678901234567, is_outlier: null}))});
  const app = Fastify({bodyLimit: 10 * 1024 * 1024});
  app.post('/predict', async (request, reply) => {
    const ok = request.body.instances.every((instance) => typeof instance.PC1 === 'number');
    return reply.code(ok ? 200 : 400).type('application/json').send(answer);
  });
  await app.listen({port, host: '127.0.0.1'});
}
`;

async function startFloor(processes) {
  const dir = mkdtempSync(path.join(repo, 'node_modules', '.cache', 'serve-floor-'));
  const script = path.join(dir, 'floor-server.mjs');
  writeFileSync(script, FLOOR_SERVER);
  const port = 20000 + Math.floor(Math.random() * 2000);
  const proc = spawn(process.execPath, [script, String(processes), String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push({proc, cleanup: () => rmSync(dir, {recursive: true, force: true})});
  const url = `http://127.0.0.1:${port}`;
  const probe = () =>
    fetch(`${url}/predict`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: '{"instances":[]}',
    });
  await waitUntilAnswering('the floor server', proc, probe, 10);
  return {proc, url};
}

async function load(url, requestBody, duration, connections = CONNECTIONS) {
  const result = await autocannon({
    url: `${url}/predict`,
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: requestBody,
    connections,
    duration,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function sequential(url, requestBody, duration) {
  const times = [];
  let errors = 0;
  const end = performance.now() + duration * 1000;
  while (performance.now() < end) {
    const start = performance.now();
    const res = await fetch(`${url}/predict`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: requestBody,
    });
    await res.arrayBuffer();
    times.push(performance.now() - start);
    if (!res.ok) errors++;
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return {rps: times.length / duration, p50: at(0.5), p99: at(0.99), errors};
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

const row = (name, r, latency = true) =>
  `${name.padEnd(38)} ${r.rps.toFixed(0).padStart(8)} ${(latency ? r.p50.toFixed(2) : 'n/a*').padStart(8)} ${(latency ? r.p99.toFixed(2) : 'n/a*').padStart(8)} ${String(r.errors).padStart(7)}`;

try {
  console.log(
    `model: ${path.relative(repo, modelPath)} (${model.isolationForest.nEstimators} trees, ${model.pca.components.length} components, k=${model.kmeans.k})`,
  );
  console.log(`load: autocannon, ${CONNECTIONS} connections, ${seconds} s per run, 127.0.0.1`);
  const ours = await startOurs();
  const flask = await startFlask();
  // Warm both up (JIT, first-request costs) before measuring.
  await load(ours.url, body(100, rawRow), 2);
  await load(flask.url, body(100, pcRow), 2);

  const results = {};
  for (const n of [1, 100]) {
    results[`ours raw ${n}`] = await load(ours.url, body(n, rawRow), seconds);
    results[`ours pc ${n}`] = await load(ours.url, body(n, pcObject), seconds);
    results[`flask pc ${n}`] = await load(flask.url, body(n, pcRow), seconds);
  }
  console.log(
    `\n${'run'.padEnd(38)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`,
  );
  for (const n of [1, 100]) {
    console.log(row(`ours, ${n} raw-feature instance(s)`, results[`ours raw ${n}`]));
    console.log(row(`ours, ${n} PCA instance(s)`, results[`ours pc ${n}`]));
    console.log(row(`flask + sklearn, ${n} PCA instance(s)`, results[`flask pc ${n}`], false));
  }
  console.log(
    "* Flask's development server closes every connection; autocannon's latencies against it are not meaningful (see the sequential figures below).",
  );
  console.log('');
  for (const n of [1, 100]) {
    const flaskRps = results[`flask pc ${n}`].rps;
    console.log(
      `${n} instance(s): ours/flask requests/s = ${(results[`ours raw ${n}`].rps / flaskRps).toFixed(1)}x (raw features: forest + scaling + PCA + k-means), ${(results[`ours pc ${n}`].rps / flaskRps).toFixed(1)}x (PCA instances, the same work as flask)`,
    );
  }

  // How far any server can go here: the floor server above, on one core and on both.
  const flask100 = results['flask pc 100'].rps;
  console.log(
    '\nfloor (fastify that parses the body and checks each instance has a PC1; no schema, scoring, log or metrics):',
  );
  for (const processes of [1, 2]) {
    const floor = await startFloor(processes);
    await load(floor.url, body(100, pcObject), 2);
    const r = await load(floor.url, body(100, pcObject), seconds);
    floor.proc.kill('SIGTERM');
    console.log(
      `${row(`floor, ${processes} process(es), 100 PCA instances`, r)}   ${(r.rps / flask100).toFixed(1)}x flask`,
    );
  }

  // Latency without queueing: one client sending one request at a time (fetch, keep-alive where
  // the server allows it; Flask's development server closes every connection, as in production
  // for the original). Measured client-side, because autocannon's latencies are not meaningful
  // against a server that closes each connection.
  console.log(`\nsequential requests, one client (${seconds} s each):`);
  for (const [name, url, requestBody] of [
    ['ours, 1 raw-feature instance', ours.url, body(1, rawRow)],
    ['ours, 1 PCA instance', ours.url, body(1, pcObject)],
    ['flask + sklearn, 1 PCA instance', flask.url, body(1, pcRow)],
  ]) {
    console.log(row(name, await sequential(url, requestBody, seconds)));
  }

  // Soak: alternating single and 100-instance raw requests for soakSeconds.
  console.log(
    `\nsoak: ${soakSeconds} s on our server, alternating 1 and 100 raw-feature instances`,
  );
  const rssSeries = [];
  const sampler = setInterval(() => rssSeries.push(rssMb(ours.proc.pid)), 5000);
  const soak = await autocannon({
    url: ours.url,
    connections: CONNECTIONS,
    duration: soakSeconds,
    requests: [
      {
        method: 'POST',
        path: '/predict',
        headers: {'content-type': 'application/json'},
        body: body(1, rawRow),
      },
      {
        method: 'POST',
        path: '/predict',
        headers: {'content-type': 'application/json'},
        body: body(100, rawRow),
      },
    ],
  });
  clearInterval(sampler);
  const rssAfter5 = rssSeries[0];
  const rssEnd = rssMb(ours.proc.pid);
  const alive = ours.proc.exitCode === null;
  console.log(
    `requests ${soak.requests.total}, errors ${soak.errors}, timeouts ${soak.timeouts}, non-2xx ${soak.non2xx}, server alive ${alive}`,
  );
  console.log(
    `RSS after 5 s ${rssAfter5.toFixed(1)} MB, at the end ${rssEnd.toFixed(1)} MB (delta ${(rssEnd - rssAfter5).toFixed(1)} MB)`,
  );
  console.log(`RSS every 5 s (MB): ${rssSeries.map((v) => v.toFixed(0)).join(' ')}`);
  const metrics = await (await fetch(`${ours.url}/metrics`)).text();
  const heap = /^runner_nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1];
  console.log(`V8 heap used at the end: ${(Number(heap) / 1024 / 1024).toFixed(1)} MB`);
  const dropped = /^runner_prediction_log_dropped (\S+)/m.exec(metrics)?.[1];
  console.log(`prediction log lines dropped under load: ${dropped}`);
} finally {
  for (const {proc, cleanup} of children) {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    cleanup();
  }
  rmSync(scratch, {recursive: true, force: true});
}

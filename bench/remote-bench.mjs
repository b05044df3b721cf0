// Remote benchmark, measured side by side in one run; prints figures, asserts nothing.
//   npm run build && node bench/remote-bench.mjs
// 1. No-op pull of ~20 objects (everything already local), folder and gs:// remotes.
//    Goal <= 0.3 s (DVC's GCS no-op pull: 2.6 s).
// 2. Throughput on a 100 MB file against the GCS emulator: our push/pull (streaming, md5
//    verified) next to a plain @google-cloud/storage upload/download of the same file.
//    Goal >= 90 % of plain.
// REMOTE_BENCH_MB (default 100; the emulator refuses > 130), REMOTE_BENCH_ROUNDS (default 3).
// The gs:// parts need test/gcs-emulator installed (test/gcs-emulator/install.sh).
import {spawn, spawnSync} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Storage} from '@google-cloud/storage';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => path.join(repo, 'dist', 'runner', 'src', p);
const {ObjectCache} = await import(dist('cache/object-cache.js'));
const {RunCache} = await import(dist('cache/run-cache.js'));
const {hashPath} = await import(dist('hashing/hash-path.js'));
const {StatCache} = await import(dist('hashing/stat-cache.js'));
const {writeLock, readLock} = await import(dist('lock/lock-file.js'));
const {openRemote} = await import(dist('remote/open-remote.js'));
const {runPush, runPull, runFetch} = await import(dist('remote/transfer-commands.js'));

const MB = Number(process.env.REMOTE_BENCH_MB ?? 100);
const ROUNDS = Number(process.env.REMOTE_BENCH_ROUNDS ?? 3);
const emulatorDir = path.join(repo, 'test', 'gcs-emulator');
const haveEmulator = existsSync(
  path.join(emulatorDir, 'node_modules', 'firebase-tools', 'package.json'),
);

const work = mkdtempSync(path.join(tmpdir(), 'remote-bench-'));
const now = () => process.hrtime.bigint();
const secs = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (bytes, s) => `${(bytes / 1048576 / s).toFixed(0).padStart(5)} MB/s`;

async function startEmulator() {
  const blobs = mkdtempSync(path.join(tmpdir(), 'bench-blobs-'));
  const child = spawn(
    process.execPath,
    [path.join(emulatorDir, 'start.mjs'), '--port', '0', '--dir', blobs, '--exit-with-parent'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const info = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return {
    host: `http://127.0.0.1:${info.port}`,
    stop: async () => {
      process.kill(info.pid, 'SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(blobs, {recursive: true, force: true});
    },
  };
}

/** A project with `files` outs of `size` bytes each, cached, locked, one stage per out. */
async function makeProject(files, size) {
  const root = mkdtempSync(path.join(work, 'project-'));
  const objects = new ObjectCache(path.join(root, '.runner', 'cache'));
  const runs = new RunCache(path.join(root, '.runner', 'cache'));
  const statCache = StatCache.inMemory();
  const stages = {};
  mkdirSync(path.join(root, 'data'), {recursive: true});
  for (let i = 0; i < files; i++) {
    const rel = `data/out-${String(i).padStart(2, '0')}.bin`;
    writeFileSync(path.join(root, rel), randomBytes(size));
    const hashed = await hashPath(path.join(root, rel), statCache, objects);
    await objects.save(path.join(root, rel), hashed, statCache);
    const outs = [{path: rel, md5: hashed.md5, size: hashed.size}];
    const fingerprint = createHash('sha256').update(`${root}/${i}`).digest('hex');
    await runs.put({
      schema: 1,
      fingerprint,
      stage: `s${i}`,
      outs,
      createdAt: new Date().toISOString(),
    });
    stages[`s${String(i).padStart(2, '0')}`] = {
      kind: {cmd: [`make ${i}`]},
      deps: [],
      outs,
      fingerprint,
    };
  }
  const lock = {schema: 1, stages};
  await writeLock(path.join(root, 'pipeline.lock'), lock);
  return {root, lock};
}

function cloneOf(project) {
  const root = mkdtempSync(path.join(work, 'clone-'));
  copyFileSync(path.join(project.root, 'pipeline.lock'), path.join(root, 'pipeline.lock'));
  return root;
}

const emulator = haveEmulator ? await startEmulator() : undefined;
if (emulator) process.env.STORAGE_EMULATOR_HOST = emulator.host;
else
  console.log(
    '(GCS emulator not installed: gs:// figures skipped; run test/gcs-emulator/install.sh)',
  );

try {
  console.log('No-op pull of 20 objects (all local already), median of 5:');
  const small = await makeProject(20, 64 * 1024);
  const remotes = [['folder', openRemote(path.join(work, 'folder-remote'), '/')]];
  if (emulator)
    remotes.push(['gs://', openRemote(`gs://bench/noop-${randomBytes(3).toString('hex')}`, '/')]);
  for (const [label, remote] of remotes) {
    const pushed = await runPush({root: small.root, lock: small.lock, remote, jobs: 8});
    if (!pushed.ok) throw new Error(pushed.error.message);
    const clone = cloneOf(small);
    const first = await runPull({root: clone, lock: small.lock, remote, jobs: 8});
    if (!first.ok) throw new Error(first.error.message);
    const times = [];
    for (let i = 0; i < 5; i++) {
      const start = now();
      const again = await runPull({root: clone, lock: small.lock, remote, jobs: 8});
      times.push(secs(start));
      if (!again.ok || again.value.transferred !== 0) throw new Error('no-op pull moved something');
    }
    console.log(
      `  ${label.padEnd(7)} ${median(times).toFixed(3)} s   (goal <= 0.300 s; DVC on GCS: 2.6 s)`,
    );
  }

  console.log(
    '\nFlagship artifacts (embedded sample), push to an empty remote then pull into a fresh clone:',
  );
  const flagship = mkdtempSync(path.join(work, 'flagship-'));
  for (const file of ['pipeline.yaml', 'params.yaml'])
    copyFileSync(path.join(repo, file), path.join(flagship, file));
  const repro = spawnSync(
    process.execPath,
    [path.join(repo, 'runner', 'bin', 'runner.js'), 'repro'],
    {cwd: flagship},
  );
  if (repro.status !== 0) throw new Error(`flagship repro failed: ${repro.stderr}`);
  const flagLock = (await readLock(path.join(flagship, 'pipeline.lock'))).value;
  const uncached = ['reports/deploy.json'];
  const flagRemotes = [['folder', openRemote(path.join(work, 'flagship-remote'), '/')]];
  if (emulator)
    flagRemotes.push([
      'gs://',
      openRemote(`gs://bench/flagship-${randomBytes(3).toString('hex')}`, '/'),
    ]);
  for (const [label, remote] of flagRemotes) {
    let start = now();
    const pushed = await runPush({root: flagship, lock: flagLock, remote, jobs: 16, uncached});
    const pushSecs = secs(start);
    if (!pushed.ok) throw new Error(pushed.error.message);
    const clone = cloneOf({root: flagship});
    start = now();
    const pulled = await runPull({root: clone, lock: flagLock, remote, jobs: 16, uncached});
    const pullSecs = secs(start);
    if (!pulled.ok) throw new Error(pulled.error.message);
    const mb = (pushed.value.bytes / 1048576).toFixed(1);
    console.log(
      `  ${label.padEnd(7)} push ${pushed.value.transferred} objects + ${pushed.value.runRecords} run records (${mb} MB) ${pushSecs.toFixed(2)} s   pull ${pullSecs.toFixed(2)} s`,
    );
  }

  if (emulator) {
    console.log(
      `\nThroughput on a ${MB} MB file against the GCS emulator (median of ${ROUNDS} alternating rounds):`,
    );
    const big = await makeProject(1, MB * 1048576);
    const bytes = MB * 1048576;
    const storage = new Storage({projectId: 'demo-bench'});
    const bucket = storage.bucket('bench');
    const source = path.join(big.root, big.lock.stages.s00.outs[0].path);
    const results = {plainUp: [], oursUp: [], plainDown: [], oursDown: [], oursFetch: []};
    for (let round = 0; round < ROUNDS; round++) {
      const name = `plain/${round}.bin`;
      let start = now();
      await bucket.upload(source, {destination: name});
      results.plainUp.push(secs(start));
      const target = path.join(work, `plain-${round}.bin`);
      start = now();
      await bucket.file(name).download({destination: target});
      results.plainDown.push(secs(start));
      rmSync(target);

      const remote = openRemote(`gs://bench/ours-${round}-${randomBytes(3).toString('hex')}`, '/');
      start = now();
      const pushed = await runPush({root: big.root, lock: big.lock, remote, jobs: 4});
      results.oursUp.push(secs(start));
      if (!pushed.ok || pushed.value.transferred !== 1) throw new Error('push failed');
      const fetchClone = cloneOf(big);
      start = now();
      const fetched = await runFetch({root: fetchClone, lock: big.lock, remote, jobs: 4});
      results.oursFetch.push(secs(start));
      if (!fetched.ok || fetched.value.transferred !== 1) throw new Error('fetch failed');
      rmSync(fetchClone, {recursive: true, force: true});
      const clone = cloneOf(big);
      start = now();
      const pulled = await runPull({root: clone, lock: big.lock, remote, jobs: 4});
      results.oursDown.push(secs(start));
      if (!pulled.ok || pulled.value.transferred !== 1) throw new Error('pull failed');
      rmSync(clone, {recursive: true, force: true});
    }
    const row = (label, ours, plain) => {
      const o = median(ours);
      const p = median(plain);
      console.log(
        `  ${label.padEnd(9)} ours ${o.toFixed(2)} s ${mbps(bytes, o)}   plain ${p.toFixed(2)} s ${mbps(bytes, p)}   ours/plain throughput ${((p / o) * 100).toFixed(0)} %  (goal >= 90 %)`,
      );
    };
    row('push', results.oursUp, results.plainUp);
    row('fetch', results.oursFetch, results.plainDown);
    row('pull', results.oursDown, results.plainDown);
    console.log(
      '  (push/fetch: remote check, md5-verified streaming into the cache; pull = fetch + restoring\n' +
        '   the workspace file from the cache, a second verified copy of the file)',
    );
  }
} finally {
  await emulator?.stop();
  rmSync(work, {recursive: true, force: true});
}

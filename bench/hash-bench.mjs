// Hashing benchmark (acceptance (d)), measured side by side in one run. Prints figures; asserts
// nothing.   npm run build && node bench/hash-bench.mjs
// HASH_BENCH_MB (default 1024): size of the big file. HASH_BENCH_FILES (default 10000): files in
// the many-small-files folder. HASH_BENCH_ROUNDS (default 3): alternating timed rounds.
import {spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => path.join(repo, 'dist', 'runner', 'src', p);
const {md5File, md5BytesRead} = await import(dist('hashing/md5-file.js'));
const {hashPath} = await import(dist('hashing/hash-path.js'));
const {StatCache} = await import(dist('hashing/stat-cache.js'));

const MB = Number(process.env.HASH_BENCH_MB ?? 1024);
const FILES = Number(process.env.HASH_BENCH_FILES ?? 10000);
const ROUNDS = Number(process.env.HASH_BENCH_ROUNDS ?? 3);

const dir = mkdtempSync(path.join(tmpdir(), 'hash-bench-'));
const big = path.join(dir, 'big.bin');
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => x.toFixed(1).padStart(8);
const rate = (bytes, millis) => `${(bytes / 1048576 / (millis / 1000)).toFixed(0)} MB/s`;
/** An mtime well in the past, as an input dataset has: recent ones are distrusted (racy window). */
const age = (file) => utimesSync(file, (Date.now() - 60_000) / 1000, (Date.now() - 60_000) / 1000);

try {
  // 1. A big file of random bytes (incompressible; written once, then read from the page cache).
  const fd = openSync(big, 'w');
  const block = randomBytes(16 * 1048576);
  for (let written = 0; written < MB * 1048576; written += block.length) {
    writeSync(fd, block, 0, Math.min(block.length, MB * 1048576 - written));
  }
  closeSync(fd);
  age(big);
  const bytes = MB * 1048576;
  console.log(`hash-bench: ${MB} MB file, ${ROUNDS} alternating rounds, median wall time`);

  // 2. md5sum vs md5File, alternated so both see the same machine load and page cache.
  const times = {md5sum: [], md5File: []};
  // Other read sizes, for the choice of MD5_CHUNK_BYTES (in MB).
  const chunkTimes = new Map([
    [0.125, []],
    [1, []],
    [4, []],
  ]);
  let sums = new Set();
  spawnSync('md5sum', [big]); // warm the page cache for both
  for (let round = 0; round < ROUNDS; round++) {
    let start = process.hrtime.bigint();
    const r = spawnSync('md5sum', [big], {encoding: 'utf8'});
    times.md5sum.push(ms(start));
    if (r.status !== 0) throw new Error(`md5sum failed: ${r.stderr}`);
    sums.add(r.stdout.split(' ')[0]);
    start = process.hrtime.bigint();
    sums.add((await md5File(big)).md5);
    times.md5File.push(ms(start));
    for (const [chunkMb, list] of chunkTimes) {
      start = process.hrtime.bigint();
      await md5File(big, {chunkBytes: chunkMb * 1048576});
      list.push(ms(start));
    }
  }
  const tSum = median(times.md5sum);
  const tOurs = median(times.md5File);
  console.log(`  md5sum                      ${fmt(tSum)} ms  ${rate(bytes, tSum)}`);
  console.log(`  md5File (512 KB reads)      ${fmt(tOurs)} ms  ${rate(bytes, tOurs)}`);
  for (const [chunkMb, list] of chunkTimes) {
    console.log(
      `  md5File (${String(chunkMb * 1024).padStart(4)} KB reads)     ${fmt(median(list))} ms  ${rate(bytes, median(list))}`,
    );
  }
  console.log(`  speed ratio md5File / md5sum: ${(tSum / tOurs).toFixed(2)}  (target >= 0.80)`);
  console.log(`  same digest: ${sums.size === 1 ? 'yes' : `NO (${[...sums].join(', ')})`}`);

  // 3. hashPath twice, each pass with the stat cache loaded from disk as a new process would.
  const stateDir = path.join(dir, 'state');
  const passes = [];
  for (let pass = 1; pass <= 2; pass++) {
    const start = process.hrtime.bigint();
    const readBefore = md5BytesRead();
    const cache = await StatCache.load(stateDir);
    await hashPath(big, cache);
    await cache.save();
    passes.push({ms: ms(start), read: md5BytesRead() - readBefore});
  }
  console.log(`  hashPath of the ${MB} MB file, stat cache loaded and saved each pass:`);
  for (const [i, p] of passes.entries()) {
    console.log(`    pass ${i + 1}: ${fmt(p.ms)} ms, ${p.read} bytes read`);
  }

  // 4. A folder of many small files: the shape of a large pipeline's no-op status.
  const many = path.join(dir, 'many');
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(many, `d${i % 100}`);
    if (i < 100) mkdirSync(sub, {recursive: true});
    const file = path.join(sub, `f${i}.txt`);
    const fdSmall = openSync(file, 'w');
    writeSync(fdSmall, `file ${i}\n`);
    closeSync(fdSmall);
    age(file);
  }
  const manyState = path.join(dir, 'state-many');
  // The floor for any second pass: one stat per file (what a no-op status cannot avoid).
  const names = [];
  for (const sub of readdirSync(many)) {
    for (const name of readdirSync(path.join(many, sub))) names.push(path.join(many, sub, name));
  }
  const statStart = process.hrtime.bigint();
  for (const name of names) statSync(name, {bigint: true});
  const statFloor = ms(statStart);
  console.log(`  hashPath of a folder of ${FILES} small files:`);
  for (let pass = 1; pass <= 2; pass++) {
    const readBefore = md5BytesRead();
    let start = process.hrtime.bigint();
    const cache = await StatCache.load(manyState);
    const loadMs = ms(start);
    start = process.hrtime.bigint();
    await hashPath(many, cache);
    const hashMs = ms(start);
    start = process.hrtime.bigint();
    await cache.save();
    const saveMs = ms(start);
    console.log(
      `    pass ${pass}: load ${loadMs.toFixed(1)} ms, hash ${hashMs.toFixed(1)} ms, save ${saveMs.toFixed(1)} ms, ${md5BytesRead() - readBefore} bytes read`,
    );
  }
  console.log(`    (a bare stat of each file, same run: ${statFloor.toFixed(1)} ms)`);

  // 5. What a no-op status of a 1,000-stage pipeline asks: 2,000 single files (a dep and an out
  // per stage), each hashed on its own, with a stat cache of 10,000+ entries loaded and saved.
  const singles = names.slice(0, 2000);
  for (let pass = 1; pass <= 2; pass++) {
    let start = process.hrtime.bigint();
    const cache = await StatCache.load(manyState);
    const loadMs = ms(start);
    start = process.hrtime.bigint();
    for (const name of singles) await hashPath(name, cache);
    const lookupMs = ms(start);
    start = process.hrtime.bigint();
    await cache.save();
    const saveMs = ms(start);
    console.log(
      `  2,000 single-file lookups (1,000-stage no-op status), pass ${pass}: load ${loadMs.toFixed(1)} ms, lookups ${lookupMs.toFixed(1)} ms, save ${saveMs.toFixed(1)} ms`,
    );
  }
} finally {
  rmSync(dir, {recursive: true, force: true});
}

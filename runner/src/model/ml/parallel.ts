import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {
  bestOfRuns,
  fitKMeans,
  kMeansTolerance,
  runSeeds,
  type KMeansFit,
  type KMeansOptions,
} from './kmeans.js';
import type {Matrix} from './matrix.js';
import {silhouettes} from './metrics.js';
import {runSweepTask} from './sweep-task.js';
import {meanSilhouettes, prepareLabelings} from './silhouette.js';

/** A unit of work for a sweep worker; each runs the ordinary single-threaded kernel. */
export type SweepJob = {rows: number; cols: number; data: Float64Array} & (
  | {kind: 'kmeans'; options: KMeansOptions; seed: number; tolerance: number}
  | {kind: 'silhouettes'; labelings: Int32Array[]; from: number; to: number}
);

export type SweepTask = SweepJob & {id: number};

export type SweepReply =
  | {id: number; kind: 'kmeans'; fit: KMeansFit}
  | {id: number; kind: 'silhouettes'; values: Float64Array};

const WORKER = new URL('./sweep-worker.js', import.meta.url);

/**
 * Whether worker threads can run here: the compiled worker module must exist (running from
 * TypeScript sources, as tests do, everything stays in-process).
 */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

/**
 * Fits k-means for each options, on up to `threads` threads: one task per seeded run, the
 * largest k first so that no long run starts last; each k keeps its best run in seed order, as
 * fitKMeans does, so the fits are bit-identical for any thread count.
 */
export async function fitKMeansMany(
  x: Matrix,
  optionsList: readonly KMeansOptions[],
  threads: number,
  onFit: () => void = () => undefined,
): Promise<KMeansFit[]> {
  if (threads <= 1 || !workersAvailable()) {
    return optionsList.map((options) => {
      const fit = fitKMeans(x, options);
      onFit();
      return fit;
    });
  }
  const pool = sweepPool(threads);
  const shared = sharedMatrix(x);
  const order = optionsList
    .map((options, i) => ({options, i}))
    .sort((a, b) => b.options.k - a.options.k || a.i - b.i);
  const fits = new Array<KMeansFit>(optionsList.length);
  await pool.all(
    order.map(async ({options, i}) => {
      const tolerance = kMeansTolerance(x, options);
      const replies = await Promise.all(
        runSeeds(options).map((seed) =>
          pool.run({kind: 'kmeans', options, seed, tolerance, ...shared}),
        ),
      );
      fits[i] = bestOfRuns(
        replies.map((reply) => {
          if (reply.kind !== 'kmeans') throw new Error('unexpected sweep reply');
          return reply.fit;
        }),
      );
      onFit();
    }),
  );
  return fits;
}

/**
 * Fits k-means for each options (a k sweep) and the mean silhouettes of `labelings` plus every
 * fit's labels, on up to `threads` threads. Every task runs the same single-threaded kernel
 * whichever thread takes it, so the results are bit-identical for any thread count.
 * @returns the fits in options order, and the silhouettes of [...labelings, ...fit labels].
 */
export async function sweep(
  x: Matrix,
  optionsList: readonly KMeansOptions[],
  labelings: readonly Int32Array[],
  threads: number,
  silhouetteInput: (fitLabels: readonly Int32Array[]) => {x: Matrix; labelings: Int32Array[]} = (
    fitLabels,
  ) => ({x, labelings: [...labelings, ...fitLabels]}),
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<{fits: KMeansFit[]; silhouettes: number[]}> {
  const total = optionsList.length + 1;
  let done = 0;
  onProgress(0, total);
  const fits = await fitKMeansMany(x, optionsList, threads, () => onProgress(++done, total));
  const input = silhouetteInput(fits.map((f) => f.labels));
  if (threads <= 1 || !workersAvailable()) {
    return {fits, silhouettes: silhouettes(input.x, input.labelings)};
  }
  // Every thread takes a range of rows under all labelings; the per-row values are summed here
  // in row order, so the means do not depend on the split.
  const pool = sweepPool(threads);
  const n = input.x.rows;
  const m = input.labelings.length;
  prepareLabelings(input.labelings, n); // refuses bad labelings before any thread starts
  const matrix = sharedMatrix(input.x);
  const ranges = splitRows(n, threads);
  const parts = await pool.all(
    ranges.map(async ([from, to]) => {
      const task = {kind: 'silhouettes', labelings: input.labelings, from, to} as const;
      const reply = await pool.run({...task, ...matrix});
      if (reply.kind !== 'silhouettes') throw new Error('unexpected sweep reply');
      return reply.values;
    }),
  );
  const values = new Float64Array(m * n);
  parts.forEach((part, p) => {
    const [from, to] = ranges[p] as [number, number];
    for (let l = 0; l < m; l++)
      values.set(part.subarray(l * (to - from), (l + 1) * (to - from)), l * n + from);
  });
  return {fits, silhouettes: meanSilhouettes(values, m, n)};
}

const sharedCopies = new WeakMap<Matrix, {rows: number; cols: number; data: Float64Array}>();

/** The matrix in shared memory, so that tasks pass it to the threads without a copy each. */
function sharedMatrix(x: Matrix): {rows: number; cols: number; data: Float64Array} {
  let copy = sharedCopies.get(x);
  if (!copy) {
    const data = new Float64Array(new SharedArrayBuffer(x.data.byteLength));
    data.set(x.data);
    copy = {rows: x.rows, cols: x.cols, data};
    sharedCopies.set(x, copy);
  }
  return copy;
}

let pool: SweepPool | undefined;

/**
 * The process's sweep pool, kept between calls: its worker thread compiles the kernels once, so
 * train's k-means (in the same plugin worker) leaves it warm for evaluate's sweep. Its threads
 * do not keep the process alive.
 */
function sweepPool(size: number): SweepPool {
  if (pool?.size !== size) {
    void pool?.close();
    pool = new SweepPool(size);
  }
  return pool;
}

/** [from, to) row ranges of near-equal size, one per thread (none empty). */
function splitRows(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  const size = Math.ceil(n / parts);
  for (let from = 0; from < n; from += size) out.push([from, Math.min(n, from + size)]);
  return out;
}

type Pending = {resolve: (reply: SweepReply) => void; reject: (error: Error) => void};

/** Where a task runs: a worker thread, or this thread (which would otherwise only wait). */
type Runner = Worker | 'this-thread';

/**
 * `size` runners taking tasks from one queue (the longest k-means fits do not block the rest):
 * this thread and size - 1 worker threads. This thread's compiled kernels are often warm
 * already (train fits k-means in the same process), while a new thread starts them cold.
 */
class SweepPool {
  private readonly idle: Runner[] = ['this-thread'];
  private readonly workers = new Set<Worker>();
  private readonly queue: SweepTask[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Runner, number>();
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {}

  run(task: SweepJob): Promise<SweepReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {resolve, reject});
      this.queue.push({...task, id});
      this.pump();
    });
  }

  /**
   * Promise.all over tasks of this pool; when one fails, the tasks still queued are dropped, so
   * that the pool, which outlives the call, does not spend its threads on abandoned work.
   */
  async all<T>(promises: readonly Promise<T>[]): Promise<T[]> {
    try {
      return await Promise.all(promises);
    } catch (error) {
      for (const task of this.queue.splice(0)) {
        this.pending.get(task.id)?.reject(new Error('dropped after another task failed'));
        this.pending.delete(task.id);
      }
      throw error;
    }
  }

  /** Starts the missing worker threads (at first use, and after one died). */
  private staff(): void {
    while (!this.closed && this.workers.size < this.size - 1) {
      const worker = new Worker(WORKER);
      worker.on('message', (reply: SweepReply) => this.settle(worker, reply));
      worker.on('error', (error) => this.fail(worker, error));
      worker.on('exit', () => this.fail(worker, new Error('a sweep thread stopped')));
      // Idle, a thread must not keep the process alive; busy, it must (its reply is awaited).
      worker.unref();
      this.workers.add(worker);
      this.idle.push(worker);
    }
  }

  private pump(): void {
    this.staff();
    while (this.idle.length > 0 && this.queue.length > 0) {
      const runner = this.idle.pop() as Runner;
      const task = this.queue.shift() as SweepTask;
      this.busy.set(runner, task.id);
      if (runner !== 'this-thread') {
        runner.ref();
        runner.postMessage(task);
        continue;
      }
      // Later, once the worker threads have their tasks: this one blocks the thread while it works.
      setImmediate(() => {
        let reply: SweepReply;
        try {
          reply = runSweepTask(task);
        } catch (error) {
          this.fail(runner, error instanceof Error ? error : new Error(String(error)));
          return;
        }
        this.settle(runner, reply);
      });
    }
  }

  private settle(runner: Runner, reply: SweepReply): void {
    this.busy.delete(runner);
    if (runner !== 'this-thread') runner.unref();
    this.idle.push(runner);
    this.pending.get(reply.id)?.resolve(reply);
    this.pending.delete(reply.id);
    this.pump();
  }

  /** Fails the runner's task; a worker thread that failed is dropped (replaced at next use). */
  private fail(runner: Runner, error: Error): void {
    const id = this.busy.get(runner);
    this.busy.delete(runner);
    if (id !== undefined) {
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    }
    const idle = this.idle.indexOf(runner);
    if (idle >= 0) this.idle.splice(idle, 1);
    if (runner === 'this-thread') {
      this.idle.push(runner);
    } else {
      this.workers.delete(runner);
      void runner.terminate();
    }
    if (this.queue.length > 0) this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.workers];
    this.workers.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

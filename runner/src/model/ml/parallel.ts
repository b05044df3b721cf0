import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {fitKMeans, type KMeansFit, type KMeansOptions} from './kmeans.js';
import type {Matrix} from './matrix.js';
import {silhouettes} from './metrics.js';

/** A unit of work for a sweep worker; each runs the ordinary single-threaded kernel. */
export type SweepJob = {rows: number; cols: number; data: Float64Array} & (
  {kind: 'kmeans'; options: KMeansOptions} | {kind: 'silhouettes'; labelings: Int32Array[]}
);

export type SweepTask = SweepJob & {id: number};

export type SweepReply =
  | {id: number; kind: 'kmeans'; fit: KMeansFit}
  | {id: number; kind: 'silhouettes'; values: number[]};

const WORKER = new URL('./sweep-worker.js', import.meta.url);

/**
 * Whether worker threads can run here: the compiled worker module must exist (running from
 * TypeScript sources, as tests do, everything stays in-process).
 */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
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
  if (threads <= 1 || !workersAvailable()) {
    const fits = optionsList.map((options, i) => {
      onProgress(i, total);
      return fitKMeans(x, options);
    });
    onProgress(optionsList.length, total);
    const input = silhouetteInput(fits.map((f) => f.labels));
    return {fits, silhouettes: silhouettes(input.x, input.labelings)};
  }
  const pool = new SweepPool(threads);
  try {
    let done = 0;
    const fits = await Promise.all(
      optionsList.map(async (options) => {
        const reply = await pool.run({kind: 'kmeans', options, ...shape(x)});
        onProgress(++done, total);
        if (reply.kind !== 'kmeans') throw new Error('unexpected sweep reply');
        return reply.fit;
      }),
    );
    const input = silhouetteInput(fits.map((f) => f.labels));
    // Each labeling's silhouette is computed whole by one thread: split the labelings.
    const groups = splitEvenly(input.labelings, threads);
    const parts = await Promise.all(
      groups.map(async (group) => {
        if (group.length === 0) return [];
        const reply = await pool.run({kind: 'silhouettes', labelings: group, ...shape(input.x)});
        if (reply.kind !== 'silhouettes') throw new Error('unexpected sweep reply');
        return reply.values;
      }),
    );
    return {fits, silhouettes: parts.flat()};
  } finally {
    await pool.close();
  }
}

function shape(x: Matrix): {rows: number; cols: number; data: Float64Array} {
  return {rows: x.rows, cols: x.cols, data: x.data};
}

function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(items.length / parts);
  for (let i = 0; i < parts; i++) out.push(items.slice(i * size, (i + 1) * size));
  return out;
}

type Pending = {resolve: (reply: SweepReply) => void; reject: (error: Error) => void};

/** A few workers taking tasks from one queue (longest k-means fits do not block the rest). */
class SweepPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: SweepTask[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER);
      worker.on('message', (reply: SweepReply) => this.settle(worker, reply));
      worker.on('error', (error) => this.fail(worker, error));
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: SweepJob): Promise<SweepReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {resolve, reject});
      this.queue.push({...task, id});
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const task = this.queue.shift() as SweepTask;
      this.busy.set(worker, task.id);
      worker.postMessage(task);
    }
  }

  private settle(worker: Worker, reply: SweepReply): void {
    this.busy.delete(worker);
    this.idle.push(worker);
    this.pending.get(reply.id)?.resolve(reply);
    this.pending.delete(reply.id);
    this.pump();
  }

  private fail(worker: Worker, error: Error): void {
    const id = this.busy.get(worker);
    if (id !== undefined) {
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}

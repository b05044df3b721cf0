import {fork, type ChildProcess} from 'node:child_process';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import type {Reason} from '../events/event.js';
import type {FromWorker, PluginTask, ToWorker} from './plugin-messages.js';

export interface PluginRunHooks {
  readonly signal: AbortSignal;
  readonly onLog: (level: string, message: string) => void;
  readonly onOutput: (stream: 'stdout' | 'stderr', line: string) => void;
  readonly onProgress: (p: Extract<FromWorker, {type: 'progress'}>) => void;
}

/** How long an aborted plugin gets to stop by itself before its worker is killed. */
const ABORT_GRACE_MS = 2000;
const WORKER_PATH = fileURLToPath(new URL('./plugin-worker.js', import.meta.url));

interface Worker {
  readonly child: ChildProcess;
  busy: boolean;
  /** Whether it has run a task (a worker started ahead may still be loading modules). */
  ran: boolean;
  /** Output lines go to whoever runs a task on this worker now. */
  output: ((stream: 'stdout' | 'stderr', line: string) => void) | undefined;
}

/**
 * Reusable plugin worker processes. A crash, an out-of-memory or a timeout ends only that
 * stage, and the runner can always kill it. Workers start lazily: a no-op run starts none.
 * (tinypool was considered; it does not stream messages from a running task, which the live
 * view and per-stage logs need.)
 */
export class PluginPool {
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();
  #nextId = 1;

  constructor() {
    // A worker started while the pipeline was being analysed becomes this pool's first.
    const worker = early;
    early = undefined;
    if (worker && worker.child.exitCode === null && worker.child.connected) {
      setReferenced(worker, true);
      this.#idle.push(this.#adopt(worker));
    }
  }

  async run(task: PluginTask, hooks: PluginRunHooks): Promise<Reason | undefined> {
    if (hooks.signal.aborted) return {kind: 'run-stopped'};
    const worker = this.#idle.pop() ?? this.#spawn();
    worker.busy = true;
    worker.ran = true;
    worker.output = hooks.onOutput;
    const id = this.#nextId++;
    const outcome = await new Promise<Reason | undefined>((resolve) => {
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (reason: Reason | undefined): void => {
        if (settled) return;
        settled = true;
        if (killTimer) clearTimeout(killTimer);
        hooks.signal.removeEventListener('abort', onAbort);
        worker.child.off('message', onMessage);
        worker.child.off('exit', onExit);
        resolve(reason);
      };
      const onMessage = (message: FromWorker): void => {
        if (message.id !== id) return;
        if (message.type === 'log') hooks.onLog(message.level, message.message);
        else if (message.type === 'progress') hooks.onProgress(message);
        else if (hooks.signal.aborted) finish({kind: 'run-stopped'});
        else
          finish(
            message.error === undefined
              ? undefined
              : {kind: 'plugin-error', message: message.error},
          );
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        this.#forget(worker);
        if (hooks.signal.aborted) finish({kind: 'run-stopped'});
        else if (signal) finish({kind: 'killed', signal});
        else
          finish({
            kind: 'plugin-error',
            message: `the plugin's worker process exited with code ${code ?? '?'}`,
          });
      };
      const onAbort = (): void => {
        worker.child.send({type: 'abort', id} satisfies ToWorker);
        killTimer = setTimeout(() => worker.child.kill('SIGKILL'), ABORT_GRACE_MS);
      };
      worker.child.on('message', onMessage);
      worker.child.on('exit', onExit);
      hooks.signal.addEventListener('abort', onAbort, {once: true});
      worker.child.send({type: 'run', id, task} satisfies ToWorker);
    });
    worker.busy = false;
    worker.output = undefined;
    if (this.#all.has(worker)) {
      if (hooks.signal.aborted) {
        // A plugin that ignored the abort may still be busy: never reuse that worker.
        worker.child.kill('SIGKILL');
        this.#forget(worker);
      } else {
        this.#idle.push(worker);
      }
    }
    return outcome;
  }

  /**
   * Starts idle workers until there are `count`, loading the given plugin modules, so that
   * stages which will run side by side do not each wait for a process to start.
   */
  prewarm(count: number, modulePaths: readonly string[]): void {
    while (this.#all.size < count) {
      const worker = this.#spawn();
      worker.child.send({type: 'preload', modulePaths} satisfies ToWorker);
      this.#idle.push(worker);
    }
  }

  /** Stops every worker; call when the run ends. */
  close(): void {
    for (const worker of this.#all) {
      if (worker.child.connected) worker.child.disconnect();
      if (worker.busy) worker.child.kill('SIGKILL');
      // A worker that never ran a task may still be loading modules before it sees the
      // disconnect: the run does not wait for it. The others exit at once and are waited for.
      if (!worker.ran) setReferenced(worker, false);
    }
    this.#all.clear();
    this.#idle.length = 0;
  }

  #spawn(): Worker {
    return this.#adopt(spawnWorker());
  }

  #adopt(worker: Worker): Worker {
    worker.child.on('exit', () => this.#forget(worker));
    this.#all.add(worker);
    return worker;
  }

  #forget(worker: Worker): void {
    this.#all.delete(worker);
    const i = this.#idle.indexOf(worker);
    if (i >= 0) this.#idle.splice(i, 1);
  }
}

function spawnWorker(): Worker {
  const child = fork(WORKER_PATH, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const worker: Worker = {child, busy: false, ran: false, output: undefined};
  for (const stream of ['stdout', 'stderr'] as const) {
    const input = child[stream];
    if (!input) continue;
    createInterface({input, crlfDelay: Infinity}).on('line', (line) =>
      worker.output?.(stream, line),
    );
  }
  return worker;
}

/** Whether the worker's process, channel and pipes keep this process alive. */
function setReferenced(worker: Worker, referenced: boolean): void {
  const {child} = worker;
  const handles = [child, child.channel, child.stdout, child.stderr] as (
    {ref?: () => void; unref?: () => void} | null | undefined
  )[];
  for (const handle of handles) {
    if (referenced) handle?.ref?.();
    else handle?.unref?.();
  }
}

let early: Worker | undefined;

/**
 * Starts a plugin worker now, loading DuckDB, for the next PluginPool of this process to take:
 * `repro` calls it before analysing a pipeline with plugin stages, so that starting node and
 * loading DuckDB (about 0.3 s) overlaps the analysis instead of delaying the first stage. Until
 * taken it does not keep this process alive, and it exits with it.
 */
export function startWorkerEarly(): void {
  if (early) return;
  early = spawnWorker();
  early.child.send({type: 'preload', modulePaths: []} satisfies ToWorker);
  setReferenced(early, false);
}

import {parentPort} from 'node:worker_threads';
import type {SweepTask} from './parallel.js';
import {runSweepTask} from './sweep-task.js';

/** Worker side of parallel.ts: runs one task at a time with the same single-threaded kernels. */
parentPort?.on('message', (task: SweepTask) => {
  parentPort?.postMessage(runSweepTask(task));
});

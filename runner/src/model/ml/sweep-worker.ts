import {parentPort} from 'node:worker_threads';
import {fitKMeans} from './kmeans.js';
import {matrix} from './matrix.js';
import {silhouettes} from './metrics.js';
import type {SweepReply, SweepTask} from './parallel.js';

/** Worker side of parallel.ts: runs one task at a time with the same single-threaded kernels. */
parentPort?.on('message', (task: SweepTask) => {
  const x = matrix(task.rows, task.cols, task.data);
  const reply: SweepReply =
    task.kind === 'kmeans'
      ? {id: task.id, kind: 'kmeans', fit: fitKMeans(x, task.options)}
      : {id: task.id, kind: 'silhouettes', values: silhouettes(x, task.labelings)};
  parentPort?.postMessage(reply);
});

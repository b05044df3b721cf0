import {parentPort} from 'node:worker_threads';
import {fitKMeansRun} from './kmeans.js';
import {matrix} from './matrix.js';
import {prepareLabelings, silhouetteRows} from './silhouette.js';
import type {SweepReply, SweepTask} from './parallel.js';

/** Worker side of parallel.ts: runs one task at a time with the same single-threaded kernels. */
parentPort?.on('message', (task: SweepTask) => {
  const x = matrix(task.rows, task.cols, task.data);
  const reply: SweepReply =
    task.kind === 'kmeans'
      ? {id: task.id, kind: 'kmeans', fit: fitKMeansRun(x, task.options, task.seed)}
      : {
          id: task.id,
          kind: 'silhouettes',
          values: silhouetteRows(x, prepareLabelings(task.labelings, x.rows), task.from, task.to),
        };
  parentPort?.postMessage(reply);
});

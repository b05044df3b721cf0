import {fitKMeansRun} from './kmeans.js';
import {matrix} from './matrix.js';
import type {SweepReply, SweepTask} from './parallel.js';
import {prepareLabelings, silhouetteRows} from './silhouette.js';

/** Runs one sweep task with the single-threaded kernels, on whichever thread takes it. */
export function runSweepTask(task: SweepTask): SweepReply {
  const x = matrix(task.rows, task.cols, task.data);
  return task.kind === 'kmeans'
    ? {id: task.id, kind: 'kmeans', fit: fitKMeansRun(x, task.options, task.seed, task.tolerance)}
    : {
        id: task.id,
        kind: 'silhouettes',
        values: silhouetteRows(x, prepareLabelings(task.labelings, x.rows), task.from, task.to),
      };
}

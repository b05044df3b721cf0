import {readFile, writeFile} from 'node:fs/promises';
import {parseModel} from '../../runner/src/model/model-json.js';
import {stableStringify} from '../../runner/src/model/stable-json.js';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {evaluate} from './compute-metrics.js';
import {EVALUATE_DEFAULTS, type EvaluateParams} from './params.js';
import {writePlots} from './plots.js';
import {readSegments} from './read-segments.js';

/**
 * The evaluate stage: deps [model.json, segments.parquet]; metrics [metrics.json,
 * silhouette_by_k.json]; plots [a folder].
 */
export async function runEvaluate(ctx: StageContext<EvaluateParams>): Promise<void> {
  const [modelPath, segmentsPath] = ctx.deps;
  const [metricsPath, byKPath] = ctx.metrics;
  const [plotsDir] = ctx.plots;
  if (!modelPath || !segmentsPath) {
    throw new Error('evaluate needs deps: model.json, segments.parquet (in this order).');
  }
  if (!metricsPath || !byKPath) {
    throw new Error('evaluate needs metrics: metrics.json, silhouette_by_k.json (in this order).');
  }
  const model = parseModel(await readFile(modelPath, 'utf8'), modelPath);
  const db = await ctx.duckdb();
  const input = await readSegments(db, segmentsPath, model.pca.components.length);
  ctx.signal.throwIfAborted();
  const kRange = ctx.params.kRange ?? model.training.kmeans.kRange;
  const sampleSize = ctx.params.silhouetteSampleSize ?? EVALUATE_DEFAULTS.silhouetteSampleSize;
  ctx.progress.start('k sweep', kRange[1] - kRange[0] + 2, 'items');
  const result = await evaluate(model, input.x, input.labels, kRange, sampleSize, {
    threads: ctx.threads,
    onProgress: (done) => ctx.progress.update(done),
  });
  ctx.progress.done();
  ctx.log.info('evaluated', {
    silhouette: result.metrics.silhouette,
    bestK: result.byK.best_k,
    sampled: result.metrics.silhouette_sampled,
  });
  await writeFile(metricsPath, stableStringify(result.metrics));
  await writeFile(byKPath, stableStringify(result.byK));
  if (plotsDir) await writePlots(plotsDir, model, input, result.sweep);
}

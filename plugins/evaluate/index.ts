import {definePlugin} from '../../runner/src/plugin-api/index.js';
import {EVALUATE_PARAMS_SCHEMA, type EvaluateParams} from './params.js';

/**
 * Model quality (SEMANTICS.md "evaluate"): silhouette, Calinski-Harabasz, Davies-Bouldin,
 * inertia, sizes and shares on the k-means input, a silhouette sweep over k, and Vega-Lite plots.
 */
export default definePlugin<EvaluateParams>({
  name: 'evaluate',
  version: '1.0.0',
  description:
    'Scores the segmentation: silhouette/CH/DB/inertia, silhouette by k, and plots of sizes, PCs and profiles',
  params: EVALUATE_PARAMS_SCHEMA,
  io: {
    deps: ['model.json', 'segments.parquet'],
    metrics: ['metrics.json', 'silhouette_by_k.json'],
    plots: ['plots'],
  },
  async run(ctx) {
    const {runEvaluate} = await import('./run-evaluate.js');
    await runEvaluate(ctx);
  },
});

import {definePlugin} from '../../runner/src/plugin-api/index.js';
import {TRAIN_PARAMS_SCHEMA, type TrainParams} from './params.js';

/**
 * Customer segmentation (SEMANTICS.md "train"): Isolation Forest outliers, z-scoring, exact PCA,
 * k-means++, size-ordered clusters with generated names, and per-cluster product
 * recommendations. The numeric work loads inside `run`: the runner imports this module to read
 * the schema.
 */
export default definePlugin<TrainParams>({
  name: 'train',
  version: '1.0.0',
  description:
    'Segments customers: Isolation Forest, z-scores, PCA, k-means; writes model.json, segments and recommendations',
  params: TRAIN_PARAMS_SCHEMA,
  io: {
    deps: ['customers.parquet', 'seasonality.parquet', 'clean.parquet'],
    outs: ['model.json', 'segments.parquet', 'recommendations.parquet'],
  },
  async run(ctx) {
    const {runTrain} = await import('./run-train.js');
    await runTrain(ctx);
  },
});

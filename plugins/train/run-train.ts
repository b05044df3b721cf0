import {writeFile} from 'node:fs/promises';
import {CUSTOMER_FEATURES} from '../../runner/src/model/features.js';
import {serializeModel} from '../../runner/src/model/model-json.js';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {trainingDataHash} from './data-hash.js';
import {fitSegmentation} from './fit-segmentation.js';
import {withTrainDefaults, type TrainParams} from './params.js';
import {readCustomerFeatures} from './read-features.js';
import {writeRecommendations, writeSegments} from './write-tables.js';

/** The train stage: deps [customers, seasonality, clean], outs [model.json, segments, recommendations]. */
export async function runTrain(ctx: StageContext<TrainParams>): Promise<void> {
  const [customersPath, seasonalityPath, cleanPath] = ctx.deps;
  const [modelPath, segmentsPath, recommendationsPath] = ctx.outs;
  if (!customersPath || !seasonalityPath || !cleanPath) {
    throw new Error(
      'train needs deps: customers.parquet, seasonality.parquet, clean.parquet (in this order).',
    );
  }
  if (!modelPath || !segmentsPath || !recommendationsPath) {
    throw new Error(
      'train needs outs: model.json, segments.parquet, recommendations.parquet (in this order).',
    );
  }
  const params = withTrainDefaults(ctx.params);
  const db = await ctx.duckdb();
  const [{ids, x}, dataHash] = await Promise.all([
    readCustomerFeatures(db, customersPath, seasonalityPath),
    trainingDataHash(ctx.deps),
  ]);
  ctx.log.info('features read', {customers: ids.length});
  ctx.signal.throwIfAborted();

  ctx.progress.start('fitting', undefined, 'items');
  const segmentation = await fitSegmentation(CUSTOMER_FEATURES, x, params, dataHash, ctx.threads);
  ctx.progress.done();
  const {model} = segmentation;
  ctx.log.info('model fitted', {
    outliers: model.training.outliers,
    components: model.pca.components.length,
    k: model.kmeans.k,
    sizes: model.clusters.map((c) => c.size),
  });
  ctx.signal.throwIfAborted();

  await writeFile(modelPath, serializeModel(model));
  await writeSegments(db, ids, segmentation, segmentsPath);
  await writeRecommendations(
    db,
    cleanPath,
    recommendationsPath,
    params.topProducts,
    params.recommendations,
  );
}

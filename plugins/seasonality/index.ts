import {definePlugin} from '../../runner/src/plugin-api/index.js';

/** No params: every definition is fixed by SEMANTICS.md. */
export type SeasonalityParams = Record<string, never>;

/** One row per customer: mean, sample std and least-squares trend of monthly spend. */
export default definePlugin<SeasonalityParams>({
  name: 'seasonality',
  version: '1.0.0',
  description: 'Per-customer monthly spending mean, standard deviation and trend',
  params: {type: 'object', additionalProperties: false, properties: {}},
  io: {deps: ['cleaned table (.parquet)'], outs: ['seasonality features (.parquet)']},
  async run(ctx) {
    const {runSeasonality} = await import('./run-seasonality.js');
    await runSeasonality(ctx);
  },
});

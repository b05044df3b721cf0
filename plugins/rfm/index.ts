import {definePlugin} from '../../runner/src/plugin-api/index.js';

/** No params: every definition is fixed by SEMANTICS.md. */
export type RfmParams = Record<string, never>;

/** One row per customer: recency, frequency, money, products, habits, geography, cancellations. */
export default definePlugin<RfmParams>({
  name: 'rfm',
  version: '1.0.0',
  description: 'Per-customer RFM, product, behaviour, geography and cancellation features',
  params: {type: 'object', additionalProperties: false, properties: {}},
  io: {deps: ['cleaned table (.parquet)'], outs: ['customer features (.parquet)']},
  async run(ctx) {
    const {runRfm} = await import('./run-rfm.js');
    await runRfm(ctx);
  },
});

import {definePlugin} from '../../runner/src/plugin-api/index.js';
import {TRANSACTION_COLUMN_NAMES} from '../shared-data/transactions-schema.js';
import {DEFAULT_DUPLICATE_KEY, DEFAULT_SERVICE_DESCRIPTIONS, type CleanParams} from './params.js';

/** The six cleaning steps of SEMANTICS.md, in SQL, with the rows left after each in a report. */
export default definePlugin<CleanParams>({
  name: 'clean',
  version: '1.0.0',
  description:
    'Drops incomplete, duplicate, service, zero-price rows; marks cancellations; reports rows per step',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dropMissing: {type: 'boolean', default: true},
      dropDuplicates: {type: 'boolean', default: true},
      duplicateKey: {
        type: 'array',
        items: {enum: [...TRANSACTION_COLUMN_NAMES]},
        minItems: 1,
        uniqueItems: true,
        default: [...DEFAULT_DUPLICATE_KEY],
      },
      markStatus: {type: 'boolean', default: true},
      dropServiceCodes: {type: 'boolean', default: true},
      dropServiceDescriptions: {type: 'boolean', default: true},
      serviceDescriptions: {
        type: 'array',
        items: {type: 'string'},
        default: [...DEFAULT_SERVICE_DESCRIPTIONS],
      },
      upperCaseDescription: {type: 'boolean', default: true},
      keepPositivePrice: {type: 'boolean', default: true},
    },
  },
  io: {
    deps: ['transactions table (.parquet)'],
    outs: ['cleaned table (.parquet)'],
    metrics: ['cleaning report (.json)'],
  },
  async run(ctx) {
    const {runClean} = await import('./run-clean.js');
    await runClean(ctx);
  },
});

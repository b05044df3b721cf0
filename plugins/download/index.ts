import {definePlugin} from '../../runner/src/plugin-api/index.js';
import {DEFAULT_SAMPLE_ROWS, DEFAULT_SEED, type DownloadParams} from './params.js';

/**
 * Fetches the Online Retail transactions (or generates a sample) and writes them with the typed
 * schema of SEMANTICS.md "Input". The heavy parts load inside `run`: the runner imports this module
 * just to read the schema.
 */
export default definePlugin<DownloadParams>({
  name: 'download',
  version: '1.0.0',
  description:
    'Reads transactions from http(s), a file or the built-in sample generator (zip/xlsx/csv/csv.gz/parquet) into typed Parquet',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      url: {
        type: 'string',
        minLength: 1,
        default: 'sample:',
        description:
          'http(s)://..., a path relative to the project root, file://..., or sample: (sample:?rows=N&seed=S)',
      },
      sha256: {
        type: 'string',
        pattern: '^[0-9a-fA-F]{64}$',
        description: 'Expected SHA-256 of the fetched bytes (not checked for sample:)',
      },
      sampleRows: {
        type: 'integer',
        minimum: 1,
        default: DEFAULT_SAMPLE_ROWS,
        description: 'Rows the sample: generator writes (sample:?rows=N overrides it)',
      },
      seed: {
        type: 'integer',
        minimum: 0,
        default: DEFAULT_SEED,
        description: 'Seed of the sample: generator (sample:?seed=S overrides it)',
      },
      retries: {
        type: 'integer',
        minimum: 0,
        maximum: 20,
        default: 4,
        description:
          'HTTP retries after 5xx, 408/429, resets, timeouts and cut-off bodies (not 4xx)',
      },
      retryDelayMs: {
        type: 'integer',
        minimum: 0,
        default: 500,
        description: 'Wait before the first retry; doubles each time',
      },
      timeoutMs: {
        type: 'integer',
        minimum: 1,
        default: 30_000,
        description: 'An HTTP attempt fails when no data arrives for this long',
      },
    },
  },
  io: {outs: ['transactions table (.parquet)']},
  async run(ctx) {
    const {runDownload} = await import('./run-download.js');
    await runDownload(ctx);
  },
});

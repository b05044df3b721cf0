import type {JsonSchema} from '../../runner/src/plugin-api/index.js';

/** `with:` of a train stage (defaults applied by the runner from {@link TRAIN_PARAMS_SCHEMA}). */
export interface TrainParams {
  /** Clusters, or `auto` for the best silhouette over `kRange`. */
  readonly k: number | 'auto';
  readonly kRange: readonly [number, number];
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;
  readonly contamination: number;
  readonly nEstimators: number;
  readonly maxSamples: number;
  readonly pcaVariance: number;
  /** Fixes the number of PCA components instead of the variance rule. */
  readonly nComponents?: number;
  /** Features to z-score; all when absent. */
  readonly standardize?: readonly string[];
  /** Features to L2-normalise per row (as a group) before z-scoring. */
  readonly l2Normalize: readonly string[];
  /** Products kept per cluster, and recommended per customer. */
  readonly topProducts: number;
  readonly recommendations: number;
}

export const TRAIN_DEFAULTS = {
  k: 3,
  kRange: [2, 10],
  nInit: 10,
  maxIter: 300,
  tol: 1e-4,
  seed: 0,
  contamination: 0.05,
  nEstimators: 100,
  maxSamples: 256,
  pcaVariance: 0.8,
  l2Normalize: [],
  topProducts: 10,
  recommendations: 3,
} as const satisfies Omit<TrainParams, 'nComponents' | 'standardize'>;

/** Fills defaults for callers that bypass the runner's schema defaults (tests, benches). */
export function withTrainDefaults(params: Partial<TrainParams>): TrainParams {
  return {...TRAIN_DEFAULTS, ...params} as TrainParams;
}

const featureList = {type: 'array', uniqueItems: true, items: {type: 'string', minLength: 1}};

export const TRAIN_PARAMS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    k: {
      description: 'Number of clusters, or "auto" for the best silhouette over kRange',
      oneOf: [{type: 'integer', minimum: 2}, {const: 'auto'}],
      default: TRAIN_DEFAULTS.k,
    },
    kRange: {
      description: 'Inclusive [min, max] k for k: auto and for the silhouette sweep',
      type: 'array',
      items: {type: 'integer', minimum: 2},
      minItems: 2,
      maxItems: 2,
      default: TRAIN_DEFAULTS.kRange,
    },
    nInit: {type: 'integer', minimum: 1, default: TRAIN_DEFAULTS.nInit},
    maxIter: {type: 'integer', minimum: 1, default: TRAIN_DEFAULTS.maxIter},
    tol: {type: 'number', minimum: 0, default: TRAIN_DEFAULTS.tol},
    seed: {type: 'integer', minimum: 0, maximum: 4294967295, default: TRAIN_DEFAULTS.seed},
    contamination: {
      description: 'Share of customers flagged as outliers by the Isolation Forest',
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 0.5,
      default: TRAIN_DEFAULTS.contamination,
    },
    nEstimators: {type: 'integer', minimum: 1, default: TRAIN_DEFAULTS.nEstimators},
    maxSamples: {type: 'integer', minimum: 2, default: TRAIN_DEFAULTS.maxSamples},
    pcaVariance: {
      description: 'Keep the fewest PCA components whose cumulative explained variance is >= this',
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      default: TRAIN_DEFAULTS.pcaVariance,
    },
    nComponents: {
      description: 'A fixed number of PCA components (overrides pcaVariance)',
      type: 'integer',
      minimum: 1,
    },
    standardize: {...featureList, description: 'Features to z-score (default: all)'},
    l2Normalize: {
      ...featureList,
      description: 'Features L2-normalised per row, as a group, before z-scoring',
      default: TRAIN_DEFAULTS.l2Normalize,
    },
    topProducts: {type: 'integer', minimum: 1, default: TRAIN_DEFAULTS.topProducts},
    recommendations: {type: 'integer', minimum: 1, default: TRAIN_DEFAULTS.recommendations},
  },
};

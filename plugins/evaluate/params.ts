import type {JsonSchema} from '../../runner/src/plugin-api/index.js';

/** `with:` of an evaluate stage. */
export interface EvaluateParams {
  /** k sweep range; defaults to the kRange recorded in model.json. */
  readonly kRange?: readonly [number, number];
  /** Above this many points the silhouettes are computed on a seeded sample of this size. */
  readonly silhouetteSampleSize: number;
}

export const EVALUATE_DEFAULTS = {silhouetteSampleSize: 20000} as const;

export const EVALUATE_PARAMS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kRange: {
      description: 'Inclusive [min, max] k of the silhouette sweep (default: the one train used)',
      type: 'array',
      items: {type: 'integer', minimum: 2},
      minItems: 2,
      maxItems: 2,
    },
    silhouetteSampleSize: {
      description: 'Silhouettes use a seeded sample of this many points when there are more',
      type: 'integer',
      minimum: 100,
      default: EVALUATE_DEFAULTS.silhouetteSampleSize,
    },
  },
};

import type {JsonSchema} from '../../runner/src/plugin-api/index.js';
import type {Gates} from '../../runner/src/registry/index.js';

/** `with:` of a deploy stage. */
export interface DeployParams {
  /** URL of the registry's remote: `gs://bucket/prefix`, or a folder relative to the root. */
  readonly remote: string;
  /** Model name in the registry. */
  readonly name: string;
  /** Alias to move when the gates pass. */
  readonly alias: string;
  /** `{metric: {min: x} | {max: y}}` checked against metrics.json. */
  readonly gates: Gates;
}

export const DEPLOY_DEFAULTS = {name: 'segmentation', alias: 'staging', gates: {}} as const;

const NAME = '^[a-z0-9][a-z0-9._-]{0,99}$';

export const DEPLOY_PARAMS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['remote'],
  properties: {
    remote: {
      description: 'Registry remote: gs://bucket/prefix, or a folder relative to the project root',
      type: 'string',
      minLength: 1,
    },
    name: {
      description: 'Model name in the registry',
      type: 'string',
      pattern: NAME,
      default: DEPLOY_DEFAULTS.name,
    },
    alias: {
      description: 'Alias moved to the new version when the gates pass',
      type: 'string',
      pattern: NAME,
      default: DEPLOY_DEFAULTS.alias,
    },
    gates: {
      description: 'Per metric of metrics.json: {min: x} and/or {max: y}',
      type: 'object',
      default: DEPLOY_DEFAULTS.gates,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {min: {type: 'number'}, max: {type: 'number'}},
      },
    },
  },
};

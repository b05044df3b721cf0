/** Most instances one request may carry unless the server is told otherwise. */
export const DEFAULT_MAX_INSTANCES = 1000;

/** Properties one instance may have: 15 raw features, or PC1..PCn; anything above is a mistake. */
const MAX_INSTANCE_PROPERTIES = 64;

/**
 * JSON Schema of `POST /predict` bodies (schemas/predict-request.schema.json is generated from
 * this). Shapes and types only: which names are right depends on the model being served, so the
 * route checks names against the live model and answers 400 naming the missing/unknown ones.
 */
export function predictRequestSchema(maxInstances = DEFAULT_MAX_INSTANCES) {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'predict-request.schema.json',
    title: 'POST /predict request (Vertex AI style)',
    description:
      'Each instance is either the raw customer features by name (exactly the model\'s features) or the PCA components {"PC1": x, ..., "PCn": x} (exactly the model\'s n; then is_outlier is null). Values are finite JSON numbers.',
    type: 'object',
    additionalProperties: false,
    required: ['instances'],
    properties: {
      instances: {
        type: 'array',
        minItems: 1,
        maxItems: maxInstances,
        items: {
          type: 'object',
          minProperties: 1,
          maxProperties: MAX_INSTANCE_PROPERTIES,
          additionalProperties: {type: 'number'},
        },
      },
    },
  } as const;
}

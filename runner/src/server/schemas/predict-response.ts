/**
 * JSON Schema of `POST /predict` answers (schemas/predict-response.schema.json is generated from
 * this). fastify also uses it to serialise the answer, which is faster than JSON.stringify.
 */
export function predictResponseSchema() {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'predict-response.schema.json',
    title: 'POST /predict response',
    description: 'One prediction per instance, in request order.',
    type: 'object',
    additionalProperties: false,
    required: ['predictions'],
    properties: {
      predictions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['cluster', 'name', 'distance', 'is_outlier'],
          properties: {
            cluster: {type: 'integer', minimum: 0, description: 'Cluster id (0 = largest).'},
            name: {type: 'string', description: "The cluster's generated name."},
            distance: {
              type: 'number',
              minimum: 0,
              description: 'Euclidean distance to the cluster centroid in PCA space.',
            },
            is_outlier: {
              type: ['boolean', 'null'],
              description:
                'Isolation Forest verdict; null when the instance was given as PCA components.',
            },
          },
        },
      },
    },
  } as const;
}

/** One entry of `predictions` as the route builds it. */
export interface PredictionBody {
  readonly cluster: number;
  readonly name: string;
  readonly distance: number;
  readonly is_outlier: boolean | null;
}

import type {FastifyPluginAsync} from 'fastify';
import {predict, scoreComponents} from '../../model/index.js';
import {badRequest, type RequestProblem} from '../server-plugins/error-answers.js';
import {predictRequestSchema} from '../schemas/predict-request.js';
import {predictResponseSchema, type PredictionBody} from '../schemas/predict-response.js';
import {instanceReader, type ReadInstance} from './instance-reader.js';
import {rawBody} from '../server-plugins/raw-json-body.js';

/** Options of the predict route. */
export interface PredictRouteOptions {
  readonly maxInstances: number;
}

interface PredictBody {
  instances: Record<string, number>[];
}

/**
 * POST /predict: Vertex-AI-style `{"instances": [...]}` -> `{"predictions": [...]}`. Every
 * instance is checked before any is scored, so a bad batch gets one 400 listing all its problems.
 */
const predictRoute: FastifyPluginAsync<PredictRouteOptions> = async (app, {maxInstances}) => {
  app.post<{Body: PredictBody}>(
    '/predict',
    {
      schema: {
        body: withoutIds(predictRequestSchema(maxInstances)),
        response: {200: withoutIds(predictResponseSchema())},
      },
    },
    async (request, reply) => {
      // Pinned once: a reload during this request does not change the model it is scored with.
      const loaded = app.models.current;
      const model = loaded.model;
      const reader = instanceReader(model);
      const {instances} = request.body;
      const read: ReadInstance[] = [];
      const problems: RequestProblem[] = [];
      instances.forEach((instance, i) => {
        const r = reader.read(instance, i);
        if ('kind' in r) read.push(r);
        else problems.push(r);
      });
      if (problems.length > 0)
        return reply.code(400).send(badRequest('invalid-instances', problems));

      const perCluster = new Map<number, number>();
      let outliers = 0;
      const predictions: PredictionBody[] = read.map((r) => {
        const p = r.kind === 'raw' ? predict(model, r.values) : scoreComponents(model, r.values);
        const body: PredictionBody = {
          cluster: p.cluster,
          name: p.name,
          distance: p.distance,
          is_outlier: p.isOutlier,
        };
        perCluster.set(p.cluster, (perCluster.get(p.cluster) ?? 0) + 1);
        if (p.isOutlier === true) outliers++;
        if (r.kind === 'raw') app.monitor.observe(r.values);
        return body;
      });
      for (const [cluster, count] of perCluster) {
        app.metrics.predictions.inc({cluster: String(cluster)}, count);
      }
      if (outliers > 0) app.metrics.outliers.inc(outliers);
      // Serialised here (by the response schema's compiled serialiser) so the log reuses the text.
      const payload = reply.serialize({predictions}) as string;
      app.monitor.logRequest(loaded, rawBody(request), payload, new Date().toISOString());
      return reply.type('application/json; charset=utf-8').send(payload);
    },
  );
};

/** Route schemas are compiled per server; their `$id`s would clash between two compilations. */
function withoutIds<T extends {$id: string; $schema: string}>(
  schema: T,
): Omit<T, '$id' | '$schema'> {
  const {$id: _id, $schema: _schema, ...rest} = schema;
  return rest;
}

export default predictRoute;

import Fastify, {LogController, type FastifyInstance} from 'fastify';
import {ModelSlot} from './model-source/model-slot.js';
import {PredictionMonitor} from './prediction-log/prediction-monitor.js';
import healthRoute from './routes/health-route.js';
import monitoringRoutes from './routes/monitoring-routes.js';
import predictRoute from './routes/predict-route.js';
import recommendationsRoute from './routes/recommendations-route.js';
import {DEFAULT_MAX_INSTANCES} from './schemas/predict-request.js';
import bearerAuth from './server-plugins/bearer-auth.js';
import {installErrorAnswers} from './server-plugins/error-answers.js';
import metricsPlugin from './server-plugins/metrics-plugin.js';
import {keepRawJsonBodies} from './server-plugins/raw-json-body.js';
import modelRegistry from './server-plugins/model-registry.js';
import {DEFAULT_BODY_LIMIT, DEFAULT_DRIFT_WINDOW, type ServerOptions} from './server-options.js';

/**
 * Builds the model server without listening (tests call `inject()`; {@link startServer} listens).
 * The first model is loaded before anything else, so a server never starts without one.
 * @throws ModelFormatError (or a file error) when the initial model cannot be loaded.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const initial = await options.model.load();
  const slot = new ModelSlot(options.model, initial);
  const monitor = new PredictionMonitor(initial.model, {
    logDir: options.logDir,
    driftWindow: options.driftWindow ?? DEFAULT_DRIFT_WINDOW,
    ...(options.logRotation ? {rotation: options.logRotation} : {}),
  });

  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({disableRequestLogging: !(options.requestLogging ?? false)}),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ajv: {
      customOptions: {
        // Strings are not numbers here ("12" is a client bug), NaN/Infinity are not numbers, and
        // every violation is reported at once.
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        strictNumbers: true,
        allErrors: true,
      },
    },
    return503OnClosing: true,
  });
  // Only JSON: a text/plain body answers 415 instead of failing validation as a string.
  app.removeContentTypeParser(['text/plain']);
  keepRawJsonBodies(app);
  installErrorAnswers(app);

  await app.register(metricsPlugin);
  if (options.token !== undefined) {
    await app.register(bearerAuth, {token: options.token, open: ['/health']});
  }
  await app.register(modelRegistry, {slot, monitor});

  await app.register(healthRoute);
  await app.register(predictRoute, {maxInstances: options.maxInstances ?? DEFAULT_MAX_INSTANCES});
  await app.register(recommendationsRoute);
  await app.register(monitoringRoutes);
  return app;
}

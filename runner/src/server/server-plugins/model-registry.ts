import type {FastifyPluginAsync} from 'fastify';
import fp from 'fastify-plugin';
import type {ModelSlot} from '../model-source/model-slot.js';
import type {PredictionMonitor} from '../prediction-log/prediction-monitor.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The model being served; read `app.models.current` once per request. */
    models: ModelSlot;
    /** The prediction log and the drift window. */
    monitor: PredictionMonitor;
  }
}

/** Options of the model-registry server plugin. */
export interface ModelRegistryOptions {
  readonly slot: ModelSlot;
  readonly monitor: PredictionMonitor;
}

/**
 * Shares the served model and the prediction monitor with every route, watches the model source
 * once the server is ready, and reloads on change: swap on success, keep the old model (and say
 * so in /health and the logs) when the new one is broken.
 */
const modelRegistry: FastifyPluginAsync<ModelRegistryOptions> = async (app, {slot, monitor}) => {
  app.decorate('models', slot);
  app.decorate('monitor', monitor);
  app.metrics.serving(slot.current.version, slot.current.dataHash);

  slot.onReload((result) => {
    app.metrics.reloads.inc({outcome: result.outcome});
    if (result.outcome === 'swapped') {
      monitor.modelChanged(result.current.model);
      app.metrics.serving(result.current.version, result.current.dataHash);
      app.log.info(
        {previous: result.previous.version, version: result.current.version},
        `Model reloaded from ${result.current.source}`,
      );
    } else if (result.outcome === 'refused') {
      app.log.error(
        {source: result.error.source, serving: slot.current.version},
        `New model refused, still serving the previous one: ${result.error.message}`,
      );
    }
  });

  let stopWatching: (() => void) | undefined;
  app.addHook('onReady', async () => {
    const restored = await monitor.restore();
    if (restored > 0) app.log.info(`Drift window restored with ${restored} logged inputs`);
    stopWatching = slot.source.watch(() => void slot.reload());
  });
  app.addHook('onClose', async () => {
    stopWatching?.();
    await monitor.close();
  });
};

export default fp(modelRegistry, {
  name: 'runner-model-registry',
  fastify: '5.x',
  dependencies: ['runner-metrics'],
});

import type {FastifyPluginAsync} from 'fastify';

/**
 * GET /health: what is served and whether the last reload worked. `degraded` means a newer model
 * was refused (see `lastReloadFailure`) and the one below is still serving.
 */
const healthRoute: FastifyPluginAsync = async (app) => {
  const started = Date.now();
  app.get('/health', async () => {
    const loaded = app.models.current;
    const failure = app.models.lastFailure;
    const logFailure = app.monitor.log?.failure;
    return {
      status: failure || logFailure ? 'degraded' : 'ok',
      model: {
        version: loaded.version,
        dataHash: loaded.dataHash,
        source: loaded.source,
        loadedAt: loaded.loadedAt.toISOString(),
        features: loaded.model.features.length,
        components: loaded.model.pca.components.length,
        clusters: loaded.model.clusters.map((c) => ({id: c.id, name: c.name})),
        recommendations: loaded.recommendations
          ? {path: loaded.recommendations.path, customers: loaded.recommendations.customers}
          : null,
      },
      uptimeSeconds: (Date.now() - started) / 1000,
      lastReloadFailure: failure ?? null,
      predictionLog: app.monitor.log
        ? {
            path: app.monitor.log.path,
            dropped: app.monitor.log.dropped,
            failure: logFailure?.message ?? null,
          }
        : null,
    };
  });
};

export default healthRoute;

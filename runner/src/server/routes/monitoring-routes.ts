import type {FastifyPluginAsync} from 'fastify';

/** GET /metrics (Prometheus text) and GET /drift (PSI of recent inputs vs training). */
const monitoringRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', async (_request, reply) => {
    app.metrics.logDropped.set(app.monitor.log?.dropped ?? 0);
    const text = await app.metrics.registry.metrics();
    return reply.type(app.metrics.registry.contentType).send(text);
  });

  app.get('/drift', async () => app.monitor.drift(app.models.current));
};

export default monitoringRoutes;

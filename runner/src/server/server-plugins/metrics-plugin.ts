import type {FastifyPluginAsync} from 'fastify';
import fp from 'fastify-plugin';
import {ServerMetrics} from './server-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Prometheus metrics of this server instance. */
    metrics: ServerMetrics;
  }
}

/** Counts and times every answer, including 404s, 401s, 413s and validation failures. */
const metricsPlugin: FastifyPluginAsync = async (app) => {
  const metrics = new ServerMetrics();
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label, so scanners cannot blow up the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    metrics.requests.inc({route, method: request.method, status});
    if (reply.statusCode >= 400) metrics.errors.inc({route, status});
    metrics.latency.observe({route, method: request.method}, reply.elapsedTime / 1000);
  });
};

export default fp(metricsPlugin, {name: 'runner-metrics', fastify: '5.x'});

import {createHash, timingSafeEqual} from 'node:crypto';
import type {FastifyPluginAsync} from 'fastify';
import fp from 'fastify-plugin';

/** Options of the bearer-token server plugin. */
export interface BearerAuthOptions {
  readonly token: string;
  /** Routes answered without a token (health probes rarely carry one). */
  readonly open: readonly string[];
}

/**
 * Requires `Authorization: Bearer <token>`. Both sides are hashed first so the comparison is
 * constant-time whatever the lengths, and the answer never says how close a guess was.
 */
const bearerAuth: FastifyPluginAsync<BearerAuthOptions> = async (app, options) => {
  const expected = digest(options.token);
  const open = new Set(options.open);
  app.addHook('onRequest', async (request, reply) => {
    if (open.has(request.routeOptions.url ?? '')) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1] as string), expected)) return;
    reply.header('www-authenticate', 'Bearer realm="runner"');
    return reply.code(401).send({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'unauthorized',
      message: header
        ? 'The bearer token is wrong.'
        : 'This server needs a bearer token: send "Authorization: Bearer <token>" (the --token given to runner serve).',
    });
  });
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export default fp(bearerAuth, {name: 'runner-bearer-auth', fastify: '5.x'});

import type {FastifyInstance, FastifyRequest} from 'fastify';

const raw = new WeakMap<FastifyRequest, string>();

/**
 * Parses JSON bodies exactly as fastify does by default (empty and invalid bodies, prototype
 * poisoning), and keeps the text so the prediction log can store the request as received without
 * serialising it again.
 */
export function keepRawJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', {parseAs: 'string'}, (request, body, done) => {
    const text = body as string;
    raw.set(request, text);
    parse(request, text, done);
  });
}

/** The body text of a request parsed by {@link keepRawJsonBodies}. */
export function rawBody(request: FastifyRequest): string {
  return raw.get(request) ?? JSON.stringify(request.body);
}

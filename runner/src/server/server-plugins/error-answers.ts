import type {FastifyError, FastifyInstance} from 'fastify';

/** One thing wrong with a request. */
export interface RequestProblem {
  /** Where, e.g. `instances[3].Total_Spend` or `instances`. */
  readonly path: string;
  /** Index into `instances`, when the problem is in one instance. */
  readonly instance?: number;
  /** The offending property, when there is one. */
  readonly field?: string;
  /** Names the model needs that the instance lacks. */
  readonly missing?: readonly string[];
  /** Names the instance has that the model does not know. */
  readonly unknown?: readonly string[];
  readonly message: string;
}

/** The body of every 4xx/5xx answer. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  /** Stable, kebab-case. */
  readonly code: string;
  readonly message: string;
  readonly problems?: readonly RequestProblem[];
}

/** At most this many problems are listed; a bad 1,000-instance batch does not need 15,000 lines. */
export const MAX_PROBLEMS = 20;

/** A 400 listing problems; the message repeats the first few so a log line alone is useful. */
export function badRequest(code: string, problems: readonly RequestProblem[]): ErrorBody {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more =
    problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  const summary = shown
    .slice(0, 3)
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ');
  return {
    statusCode: 400,
    error: 'Bad Request',
    code,
    message: `${summary}${problems.length > 3 ? ` ... ${problems.length} problems` : ''}${more}`,
    problems: shown,
  };
}

/**
 * Answers errors as {@link ErrorBody}: schema violations as 400 with one problem per violation
 * (instance index, field, why), fastify's own client errors (bad JSON 400, media type 415, body
 * too large 413) with their status, anything else as a logged 500 that leaks nothing.
 */
export function installErrorAnswers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const body = request.body;
      const problems = error.validation.map((v) =>
        describeViolation(error.validationContext ?? 'body', v, body, request.params),
      );
      return reply.code(400).send(badRequest('invalid-request', problems));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({
        statusCode: status,
        error: STATUS_TEXT[status] ?? 'Client Error',
        code: clientCode(error),
        message: clientMessage(error, status),
      } satisfies ErrorBody);
    }
    request.log.error({err: error}, 'Request failed');
    return reply.code(500).send({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'internal',
      message: 'Internal error while answering this request; the server log has the details.',
    } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      code: 'no-such-route',
      message: `No route ${request.method} ${request.url}. Routes: GET /health, POST /predict, GET /customers/:id/recommendations, GET /metrics, GET /drift.`,
    } satisfies ErrorBody),
  );
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

function clientCode(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body-too-large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported-media-type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'empty-body';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'invalid-json';
    default:
      return error.code === undefined ? 'bad-request' : error.code.toLowerCase();
  }
}

function clientMessage(error: FastifyError, status: number): string {
  if (status === 413) return `${error.message}; send fewer instances per request.`;
  if (status === 415) return `${error.message}; send the body as Content-Type: application/json.`;
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return `The body is not valid JSON (${error.message}). Send {"instances": [{...}, ...]}.`;
  }
  return error.message;
}

interface Violation {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string | undefined;
}

function describeViolation(
  context: string,
  v: Violation,
  body: unknown,
  params: unknown,
): RequestProblem {
  const segments = v.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const root = context === 'params' ? params : body;
  let field: string | undefined;
  let missing: string | undefined;
  if (v.keyword === 'required') missing = String(v.params['missingProperty']);
  if (v.keyword === 'additionalProperties') field = String(v.params['additionalProperty']);
  const target = [...segments, ...(missing ? [missing] : []), ...(field ? [field] : [])];
  const path = formatPath(context, target);
  const instance = segments[0] === 'instances' && segments[1] ? Number(segments[1]) : undefined;
  const leaf = segments.length > 2 ? segments[segments.length - 1] : undefined;
  const message = explain(v, valueAt(root, segments));
  return {
    path,
    ...(instance !== undefined ? {instance} : {}),
    ...((field ?? missing ?? leaf) !== undefined
      ? {field: (field ?? missing ?? leaf) as string}
      : {}),
    message,
  };
}

function explain(v: Violation, value: unknown): string {
  const p = v.params;
  switch (v.keyword) {
    case 'type':
      return p['type'] === 'number'
        ? `must be a finite number, got ${describe(value)}`
        : `must be ${article(String(p['type']))}, got ${describe(value)}`;
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed here';
    case 'minItems':
      return p['limit'] === 1 ? 'must not be empty: send at least one instance' : `${v.message}`;
    case 'maxItems':
      return `has ${Array.isArray(value) ? value.length : 'too many'} items, at most ${String(p['limit'])} are allowed per request: split the batch`;
    case 'minProperties':
      return "is empty: give the model's raw features by name, or PC1..PCn";
    case 'maxProperties':
      return `has more than ${String(p['limit'])} properties`;
    case 'pattern':
      return `must be a customer id like 12347, got ${describe(value)}`;
    default:
      return v.message ?? 'is invalid';
  }
}

function formatPath(context: string, segments: readonly string[]): string {
  if (segments.length === 0) return context;
  const prefix = context === 'body' ? '' : `${context}.`;
  return (
    prefix + segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('')
  );
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const s of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[s];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

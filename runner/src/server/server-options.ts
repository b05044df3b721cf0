import type {FastifyServerOptions} from 'fastify';
import type {ModelSource} from './model-source/loaded-model.js';
import type {RotatingFileOptions} from './prediction-log/rotating-file.js';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** Where the model comes from: `fileModelSource(path)` or `aliasModelSource(registry, ...)`. */
  readonly model: ModelSource;
  /** When set, every route but /health needs `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** Largest request body in bytes; default 10 MB (larger answers 413). */
  readonly bodyLimit?: number | undefined;
  /** Most instances per /predict request; default 1,000. */
  readonly maxInstances?: number | undefined;
  /** Folder of the prediction log (predictions.ndjson, rotated); undefined: no log on disk. */
  readonly logDir?: string | undefined;
  /** Rotation of the prediction log; default 20 MB x 5 files. */
  readonly logRotation?: Omit<RotatingFileOptions, 'path'> | undefined;
  /** Raw inputs /drift compares with the training histograms; default 1,000. */
  readonly driftWindow?: number | undefined;
  /** pino options for fastify's logger, or false (the default) for none. */
  readonly logger?: FastifyServerOptions['logger'] | undefined;
  /** Log every request and answer (default false: /metrics and the prediction log cover them). */
  readonly requestLogging?: boolean | undefined;
}

/** Options of {@link startServer}. */
export interface StartServerOptions extends ServerOptions {
  /** Default 127.0.0.1: the server is reachable from other machines only when told so. */
  readonly host?: string | undefined;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number | undefined;
  /** Close gracefully on SIGTERM and SIGINT; default true. */
  readonly handleSignals?: boolean | undefined;
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_DRIFT_WINDOW = 1000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

import type {FastifyInstance} from 'fastify';
import {buildServer} from './build-server.js';
import {DEFAULT_HOST, DEFAULT_PORT, type StartServerOptions} from './server-options.js';

/** A listening server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
  /** Resolves when the server has closed (by `close()` or a signal). */
  readonly closed: Promise<void>;
}

/**
 * Builds and starts the server on 127.0.0.1:8080 unless told otherwise. SIGTERM/SIGINT close it
 * gracefully: no new connections, in-flight requests finish, idle keep-alive sockets are closed,
 * the prediction log is flushed.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = await buildServer(options);
  try {
    await app.listen({host: options.host ?? DEFAULT_HOST, port: options.port ?? DEFAULT_PORT});
  } catch (e) {
    await app.close(); // stop watching the model and close the log before reporting
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? DEFAULT_HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    app.log.info(`${signal}: closing (requests in flight will finish)`);
    void close();
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await app.close();
      resolveClosed();
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return {app, url, close, closed};
}

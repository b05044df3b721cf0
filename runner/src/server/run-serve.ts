import {resolve} from 'node:path';
import {ModelFormatError} from '../model/index.js';
import {aliasModelSource, type RegistryReader} from './model-source/alias-model-source.js';
import {fileModelSource} from './model-source/file-model-source.js';
import type {ModelSource} from './model-source/loaded-model.js';
import {startServer, type RunningServer} from './start-server.js';

/** `runner serve` options, as the CLI parses them. */
export interface ServeCommandOptions {
  /** --model PATH (default models/model.json when no --alias is given). */
  readonly model?: string | undefined;
  /** --alias production: serve what this registry alias points at (polled). */
  readonly alias?: string | undefined;
  /** --name segmentation: the registry model name (default `segmentation`). */
  readonly name?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** --token T, else the RUNNER_SERVE_TOKEN environment variable (keeps it out of `ps`). */
  readonly token?: string | undefined;
  /** Prediction log folder; default .runner/serve under cwd. */
  readonly logDir?: string | undefined;
  /** How often to check the model file / alias for changes (ms). */
  readonly pollMs?: number | undefined;
  /** pino level of the server log (stdout); default info. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent' | undefined;
  /** Project root; default process.cwd(). */
  readonly cwd?: string | undefined;
}

/** What `runServe` needs from its caller besides the options. */
export interface ServeCommandContext {
  /** The default remote's model registry; required for --alias. */
  readonly registry?: RegistryReader | undefined;
  /** Where usage and startup errors go (one message per call). */
  readonly printError: (message: string) => void;
  /** Called once the server listens (the CLI may print the URL; tests use it). */
  readonly onListening?: ((server: RunningServer) => void) | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/**
 * `runner serve`: starts the model server and resolves with the exit code once it has closed
 * (SIGTERM/SIGINT close it gracefully): 0 after a clean shutdown, 2 for bad usage or a model
 * that cannot be loaded.
 */
export async function runServe(
  options: ServeCommandOptions,
  context: ServeCommandContext,
): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  const source = chooseSource(options, context, cwd);
  if (typeof source === 'string') {
    context.printError(source);
    return 2;
  }
  let server: RunningServer;
  try {
    server = await startServer({
      model: source,
      token: options.token ?? context.env?.['RUNNER_SERVE_TOKEN'],
      host: options.host,
      port: options.port,
      logDir: resolve(cwd, options.logDir ?? '.runner/serve'),
      logger: {level: options.logLevel ?? 'info'},
    });
  } catch (e) {
    context.printError(startupError(e, source.description));
    return 2;
  }
  server.app.log.info(
    `Serving model ${server.app.models.current.version} from ${source.description} at ${server.url}`,
  );
  context.onListening?.(server);
  await server.closed;
  return 0;
}

function chooseSource(
  options: ServeCommandOptions,
  context: ServeCommandContext,
  cwd: string,
): ModelSource | string {
  if (options.model !== undefined && options.alias !== undefined) {
    return 'runner serve: give either --model PATH or --alias NAME (with --name), not both.';
  }
  if (options.alias !== undefined) {
    if (!context.registry) {
      return 'runner serve --alias needs a model registry on the default remote; none is configured (see `runner remote list`), or serve a file with --model PATH.';
    }
    return aliasModelSource(context.registry, {
      name: options.name ?? 'segmentation',
      alias: options.alias,
      ...(options.pollMs !== undefined ? {pollMs: options.pollMs} : {}),
    });
  }
  return fileModelSource(resolve(cwd, options.model ?? 'models/model.json'), {
    ...(options.pollMs !== undefined ? {pollMs: options.pollMs} : {}),
  });
}

function startupError(e: unknown, source: string): string {
  if (e instanceof ModelFormatError) return `runner serve: cannot serve ${source}: ${e.message}`;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return `runner serve: ${source} does not exist. Run \`runner repro\` to train a model, or pass --model PATH.`;
  }
  if (code === 'EADDRINUSE') {
    return `runner serve: the port is already in use; pass --port N (or stop the other server).`;
  }
  return `runner serve: cannot start: ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * Entry point of a plugin worker process. It runs one plugin task at a time for the runner and
 * is reused for the next, so module loading (DuckDB, ML libraries) is paid once per worker.
 */
import {pathToFileURL} from 'node:url';
import {isPluginDefinition, type PluginDefinition} from '../plugin-api/define-plugin.js';
import type {FromWorker, ToWorker} from './plugin-messages.js';
import {createStageContext} from './stage-context.js';
import {duckDbModule} from '../util/duckdb-module.js';

const send = (message: FromWorker): void => {
  process.send?.(message);
};

const aborts = new Map<number, AbortController>();
// Progress is throttled here so a tight loop in a plugin cannot flood the IPC channel.
const PROGRESS_INTERVAL_MS = 100;

async function loadPlugin(modulePath: string): Promise<PluginDefinition<unknown>> {
  const module = await importModule(modulePath);
  if (!isPluginDefinition(module.default)) {
    throw new Error(`${modulePath} does not default-export a definePlugin(...) value.`);
  }
  return module.default;
}

async function run(id: number, task: Extract<ToWorker, {type: 'run'}>['task']): Promise<void> {
  const controller = new AbortController();
  aborts.set(id, controller);
  let lastProgress = 0;
  const ctx = createStageContext({
    ...task,
    signal: controller.signal,
    onLog: (level, message, data) =>
      send(
        data === undefined
          ? {type: 'log', id, level, message}
          : {type: 'log', id, level, message, data},
      ),
    onProgress: (label, done, total, unit) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS && done !== total) return;
      lastProgress = now;
      send({type: 'progress', id, label, done, total: total ?? null, unit});
    },
  });
  try {
    const plugin = await loadPlugin(task.modulePath);
    await plugin.run(ctx);
    send({type: 'done', id});
  } catch (error) {
    send({type: 'done', id, error: describe(error)});
  } finally {
    aborts.delete(id);
    await ctx.close().catch(() => undefined);
  }
}

/** Node's module cache makes a second import of a preloaded module free. */
function importModule(modulePath: string): Promise<{default?: unknown}> {
  return import(pathToFileURL(modulePath).href) as Promise<{default?: unknown}>;
}

/**
 * One module after the other, so a task that arrives meanwhile shares the core with one. Plugins
 * load their heavy libraries lazily, so DuckDB, which `ctx.duckdb()` opens for the data stages
 * and which takes longer to load than most stages take to run, is loaded here too.
 */
async function preload(modulePaths: readonly string[]): Promise<void> {
  for (const modulePath of modulePaths) {
    // A module that fails to load reports it when a task runs it.
    await importModule(modulePath).catch(() => undefined);
  }
  try {
    duckDbModule();
  } catch {
    // A stage that needs DuckDB reports it when it opens it.
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'run') void run(message.id, message.task);
  else if (message.type === 'preload') void preload(message.modulePaths);
  else aborts.get(message.id)?.abort();
});
process.on('disconnect', () => process.exit(0));

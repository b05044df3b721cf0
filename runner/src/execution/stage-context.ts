import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api';
import type {StageContext, StageLogger, StageProgress} from '../plugin-api/context.js';
import {duckDbModule} from '../util/duckdb-module.js';

export interface StageContextOptions<P> {
  readonly stage: string;
  readonly params: P;
  readonly root: string;
  readonly deps: readonly string[];
  readonly outs: readonly string[];
  readonly metrics: readonly string[];
  readonly plots: readonly string[];
  readonly tmpdir: string;
  readonly threads: number;
  /** This stage's share of memory, for DuckDB's memory_limit (it spills to tmpdir beyond it). */
  readonly memoryMb?: number;
  readonly signal: AbortSignal;
  readonly onLog?: (
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    data?: Record<string, unknown>,
  ) => void;
  readonly onProgress?: (
    label: string,
    done: number,
    total: number | undefined,
    unit: 'bytes' | 'rows' | 'items',
  ) => void;
}

export interface OwnedStageContext<P> extends StageContext<P> {
  /** Releases what the context created (the DuckDB instance); call after `run` settles. */
  close(): Promise<void>;
}

/**
 * Builds the `ctx` a plugin's `run` receives. The worker process uses it for real runs, and
 * plugin tests use it to run a plugin without the runner.
 */
export function createStageContext<P>(options: StageContextOptions<P>): OwnedStageContext<P> {
  const onLog = options.onLog ?? (() => undefined);
  const log: StageLogger = {
    debug: (m, d) => onLog('debug', m, d),
    info: (m, d) => onLog('info', m, d),
    warn: (m, d) => onLog('warn', m, d),
    error: (m, d) => onLog('error', m, d),
  };
  let bar: {label: string; total: number | undefined; unit: 'bytes' | 'rows' | 'items'} | undefined;
  const progress: StageProgress = {
    start(label, total, unit) {
      bar = {label, total, unit};
      options.onProgress?.(label, 0, total, unit);
    },
    update(done) {
      if (bar) options.onProgress?.(bar.label, done, bar.total, bar.unit);
    },
    done() {
      if (bar && bar.total !== undefined)
        options.onProgress?.(bar.label, bar.total, bar.total, bar.unit);
      bar = undefined;
    },
  };

  let instance: DuckDBInstance | undefined;
  let connection: Promise<DuckDBConnection> | undefined;
  const duckdb = (): Promise<DuckDBConnection> => {
    connection ??= (async () => {
      // Loaded lazily: most stages, and every no-op run, never pay for the native module.
      const {DuckDBInstance} = duckDbModule();
      instance = await DuckDBInstance.create(':memory:', {
        threads: String(Math.max(1, options.threads)),
        temp_directory: options.tmpdir,
        // Without a limit each DuckDB takes 80% of RAM, and stages run side by side.
        ...(options.memoryMb
          ? {memory_limit: `${Math.max(256, Math.floor(options.memoryMb))}MB`}
          : {}),
      });
      return instance.connect();
    })();
    return connection;
  };

  return {
    stage: options.stage,
    params: options.params,
    root: options.root,
    deps: options.deps,
    outs: options.outs,
    metrics: options.metrics,
    plots: options.plots,
    tmpdir: options.tmpdir,
    threads: options.threads,
    signal: options.signal,
    log,
    progress,
    duckdb,
    async close() {
      if (connection) {
        const c = await connection.catch(() => undefined);
        c?.closeSync();
      }
      instance?.closeSync();
      connection = undefined;
      instance = undefined;
    },
  };
}

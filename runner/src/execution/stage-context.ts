import type {DuckDBConnection} from '@duckdb/node-api';
import type {StageContext, StageLogger, StageProgress} from '../plugin-api/context.js';
import {openStageDuckDb, type StageDuckDb} from './stage-duckdb.js';

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
  /** Releases what the context opened (its DuckDB); call after `run` settles. */
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

  let lease: Promise<StageDuckDb> | undefined;
  const duckdb = async (): Promise<DuckDBConnection> => {
    // Opened lazily: most stages, and every no-op run, never pay for the native module.
    lease ??= openStageDuckDb({
      threads: options.threads,
      tempDirectory: options.tmpdir,
      // Without a limit each DuckDB takes 80% of RAM, and stages run side by side.
      ...(options.memoryMb ? {memoryMb: options.memoryMb} : {}),
    });
    return (await lease).connection;
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
      const opened = await lease?.catch(() => undefined);
      lease = undefined;
      await opened?.release();
    },
  };
}

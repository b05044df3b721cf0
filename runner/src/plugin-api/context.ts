import type {DuckDBConnection} from '@duckdb/node-api';

/** Structured log lines; they go to .runner/logs/<stage>.log and to the live view. */
export interface StageLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** Progress of a long step, shown as a bar in a terminal and as events with `--json`. */
export interface StageProgress {
  /** Starts (or restarts) a bar; `total` undefined means unknown. */
  start(label: string, total: number | undefined, unit: 'bytes' | 'rows' | 'items'): void;
  /** Sets how much is done; cheap to call often (the runner throttles what it shows). */
  update(done: number): void;
  done(): void;
}

/**
 * What a plugin sees of the run: its own params and paths, and a few services. A plugin cannot
 * reach other stages, the cache or the plan.
 */
export interface StageContext<P> {
  /** The stage's full name (`train`, or `train@3` for a foreach item). */
  readonly stage: string;
  /** `with:` after `${}` interpolation, schema defaults and validation. */
  readonly params: P;
  /** Absolute path of the project root. */
  readonly root: string;
  /** Absolute paths of the declared deps, in declared order. */
  readonly deps: readonly string[];
  /**
   * Absolute paths to write the declared outs/metrics/plots to, in declared order. They are
   * temporary: the runner moves them into place only when `run` succeeds, so a failed or killed
   * stage never leaves half-written outputs. Parent folders exist.
   */
  readonly outs: readonly string[];
  readonly metrics: readonly string[];
  readonly plots: readonly string[];
  /** A scratch folder for this run of the stage, removed afterwards. */
  readonly tmpdir: string;
  readonly log: StageLogger;
  readonly progress: StageProgress;
  /** Aborted when the run is interrupted or the stage times out; stop promptly. */
  readonly signal: AbortSignal;
  /** How many threads this stage may use, so parallel stages do not oversubscribe the cores. */
  readonly threads: number;
  /**
   * An in-memory DuckDB connection limited to `threads`, spilling to `tmpdir`, with nothing of an
   * earlier stage in it (its instance may be one an earlier stage used: see PLUGINS.md). Opened on
   * first call and closed after `run`.
   */
  duckdb(): Promise<DuckDBConnection>;
}

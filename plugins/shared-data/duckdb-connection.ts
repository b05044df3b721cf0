import type {StageContext} from '../../runner/src/plugin-api/index.js';

/** The DuckDB connection type `ctx.duckdb()` resolves to, named without importing DuckDB. */
export type DuckDBConnection = Awaited<ReturnType<StageContext<unknown>['duckdb']>>;

import {createRequire} from 'node:module';
import type * as DuckDb from '@duckdb/node-api';

const require = createRequire(import.meta.url);

/**
 * @duckdb/node-api, loaded with `require`. The package is CommonJS: `import()` of it makes node
 * parse every one of its files for their exports to build ES-module facades, which doubled the
 * load (about 170 ms -> 85 ms here) in every process that opens DuckDB.
 */
export function duckDbModule(): typeof DuckDb {
  return require('@duckdb/node-api') as typeof DuckDb;
}

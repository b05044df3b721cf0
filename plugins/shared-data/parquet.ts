import type {DuckDBConnection} from './duckdb-connection.js';
import {sqlString} from './sql.js';

/**
 * Writes the result of `selectSql` to a Parquet file. The caller's query must end in an ORDER BY
 * that makes the row order total, or the bytes change from run to run (DESIGN.md section 7).
 * Snappy: files within 25% of zstd's size here, and cheaper to write and read. No bloom filters:
 * the stages read whole columns and never probe for one value, and building them took ~10 ms and
 * 130 KB of the cleaned table's 3 MB.
 */
export async function copyToParquet(
  connection: DuckDBConnection,
  selectSql: string,
  path: string,
): Promise<void> {
  await connection.run(
    `COPY (${selectSql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880, WRITE_BLOOM_FILTER false)`,
  );
}

/** Runs a query and returns its rows as plain JSON-safe objects (BIGINTs as strings). */
export async function queryRows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

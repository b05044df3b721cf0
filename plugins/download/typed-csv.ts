import type {DuckDBConnection} from '../shared-data/duckdb-connection.js';
import {copyToParquet} from '../shared-data/parquet.js';
import {sqlString} from '../shared-data/sql.js';
import {TRANSACTION_COLUMNS} from '../shared-data/transactions-schema.js';

/**
 * A quoted CSV field for the intermediate CSV that .xlsx rows and sample rows stream into (see
 * ByteCsvWriter): strings are always quoted, so an unquoted empty field means NULL. Callers cache
 * it per distinct string.
 */
export function csvQuote(value: string): string {
  return value.includes('"') ? `"${value.replaceAll('"', '""')}"` : `"${value}"`;
}

/** Loads the intermediate CSV (see {@link csvQuote}) into the typed transactions Parquet, keeping row order. */
export async function typedCsvToParquet(
  connection: DuckDBConnection,
  csvPath: string,
  outPath: string,
): Promise<void> {
  const columns = TRANSACTION_COLUMNS.map(
    (c) =>
      `${sqlString(c.name)}: ${sqlString(c.type === 'INTEGER' && c.name === 'CustomerID' ? 'DOUBLE' : c.type)}`,
  ).join(', ');
  const select = TRANSACTION_COLUMNS.map((c) =>
    c.name === 'CustomerID' ? 'CAST(CustomerID AS INTEGER) AS CustomerID' : `"${c.name}"`,
  ).join(', ');
  await copyToParquet(
    connection,
    `SELECT ${select} FROM read_csv(${sqlString(csvPath)}, header = false, delim = ',', quote = '"', escape = '"', columns = {${columns}}, auto_detect = false)`,
    outPath,
  );
}

import type {DuckDBConnection} from '../shared-data/duckdb-connection.js';
import {copyToParquet, queryRows} from '../shared-data/parquet.js';
import {sqlIdent, sqlString} from '../shared-data/sql.js';
import {TRANSACTION_COLUMNS} from '../shared-data/transactions-schema.js';
import {matchColumns} from './match-columns.js';

/** A .csv, .csv.gz or .parquet source, already told apart by its first bytes. */
export type TableFormat = 'csv' | 'csv.gz' | 'parquet';

/**
 * Converts a CSV or Parquet table into the typed transactions Parquet, in file row order. Columns
 * are found by name (extra ones are dropped) and cast; a value that does not fit fails the stage
 * with DuckDB's message naming it.
 */
export async function tableToParquet(
  connection: DuckDBConnection,
  path: string,
  format: TableFormat,
  label: string,
  outPath: string,
): Promise<void> {
  const source =
    format === 'parquet'
      ? `read_parquet(${sqlString(path)})`
      : `read_csv(${sqlString(path)}, header = true, all_varchar = true, compression = ${format === 'csv.gz' ? "'gzip'" : "'none'"})`;
  let names: string[];
  try {
    const described = await queryRows(connection, `DESCRIBE SELECT * FROM ${source}`);
    names = described.map((r) => String(r['column_name']));
  } catch (error) {
    throw new Error(`download: cannot read ${label} as ${format}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const found = names;
  const positions = matchColumns(found, label);
  const select = TRANSACTION_COLUMNS.map((column, i) => {
    const ref = sqlIdent(found[positions[i] as number] as string);
    return `${castSql(column.name, ref, label)} AS ${sqlIdent(column.name)}`;
  }).join(', ');
  try {
    await copyToParquet(connection, `SELECT ${select} FROM ${source}`, outPath);
  } catch (error) {
    throw new Error(`download: cannot convert ${label}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function castSql(name: string, ref: string, label: string): string {
  switch (name) {
    case 'Quantity':
      return `CAST(${ref} AS INTEGER)`;
    case 'UnitPrice':
      return `CAST(${ref} AS DOUBLE)`;
    case 'CustomerID':
      // The CSV writes `17850.0`.
      return `CAST(CAST(${ref} AS DOUBLE) AS INTEGER)`;
    case 'InvoiceDate':
      return `CASE WHEN ${ref} IS NULL THEN NULL ELSE COALESCE(TRY_CAST(${ref} AS TIMESTAMP), try_strptime(CAST(${ref} AS VARCHAR), '%m/%d/%Y %H:%M'), error(${sqlString(`download: ${label}: InvoiceDate `)} || CAST(${ref} AS VARCHAR) || ' is not a date (expected YYYY-MM-DD HH:MM[:SS] or M/D/YYYY H:MM)')) END`;
    default:
      return `CAST(${ref} AS VARCHAR)`;
  }
}

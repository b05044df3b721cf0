import type {DuckDBConnection} from '../shared-data/duckdb-connection.js';
import {copyToParquet, queryRows} from '../shared-data/parquet.js';
import {sqlIdent, sqlString} from '../shared-data/sql.js';
import {TRANSACTION_COLUMNS} from '../shared-data/transactions-schema.js';
import {readCsvLayout} from './csv-header.js';
import {matchColumns} from './match-columns.js';

/** A .csv, .csv.gz or .parquet source, already told apart by its first bytes. */
export type TableFormat = 'csv' | 'csv.gz' | 'parquet';

/** How DuckDB reads each transaction column of a CSV (CustomerID is `17850.0` in the CSV). */
const CSV_TYPES: Record<string, string> = {
  InvoiceNo: 'VARCHAR',
  StockCode: 'VARCHAR',
  Description: 'VARCHAR',
  Quantity: 'INTEGER',
  InvoiceDate: 'TIMESTAMP',
  UnitPrice: 'DOUBLE',
  CustomerID: 'DOUBLE',
  Country: 'VARCHAR',
};

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
  let source: string;
  let names: string[];
  if (format === 'parquet') {
    source = `read_parquet(${sqlString(path)})`;
    try {
      const described = await queryRows(connection, `DESCRIBE SELECT * FROM ${source}`);
      names = described.map((r) => String(r['column_name']));
    } catch (error) {
      throw new Error(`download: cannot read ${label} as Parquet: ${(error as Error).message}`, {
        cause: error,
      });
    }
  } else {
    // Columns and types given up front: DuckDB's sniffer costs as much as the read itself.
    const layout = await readCsvLayout(path, format === 'csv.gz', label);
    names = layout.names;
    const columns = names
      .map((name) => `${sqlString(name)}: ${sqlString(CSV_TYPES[name.trim()] ?? 'VARCHAR')}`)
      .join(', ');
    const options = [
      'header = true',
      'auto_detect = false',
      `delim = ${sqlString(layout.delimiter)}`,
      `quote = '"'`,
      `escape = '"'`,
      `compression = ${format === 'csv.gz' ? "'gzip'" : "'none'"}`,
      `columns = {${columns}}`,
      ...(layout.timestampFormat ? [`timestampformat = ${sqlString(layout.timestampFormat)}`] : []),
    ];
    source = `read_csv(${sqlString(path)}, ${options.join(', ')})`;
  }
  const positions = matchColumns(names, label);
  const select = TRANSACTION_COLUMNS.map((column, i) => {
    const ref = sqlIdent(names[positions[i] as number] as string);
    return `${castSql(column.name, ref)} AS ${sqlIdent(column.name)}`;
  }).join(', ');
  try {
    await copyToParquet(connection, `SELECT ${select} FROM ${source}`, outPath);
  } catch (error) {
    throw new Error(`download: cannot convert ${label}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function castSql(name: string, ref: string): string {
  switch (name) {
    case 'Quantity':
      return `CAST(${ref} AS INTEGER)`;
    case 'UnitPrice':
      return `CAST(${ref} AS DOUBLE)`;
    case 'CustomerID':
      return `CAST(CAST(${ref} AS DOUBLE) AS INTEGER)`;
    case 'InvoiceDate':
      return `CAST(${ref} AS TIMESTAMP)`;
    default:
      return `CAST(${ref} AS VARCHAR)`;
  }
}

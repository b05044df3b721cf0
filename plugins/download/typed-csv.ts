import {closeSync, openSync, writeSync} from 'node:fs';
import type {DuckDBConnection} from '../shared-data/duckdb-connection.js';
import {copyToParquet} from '../shared-data/parquet.js';
import {sqlString} from '../shared-data/sql.js';
import {TRANSACTION_COLUMNS} from '../shared-data/transactions-schema.js';

const FLUSH_CHARS = 4 << 20;

/**
 * An intermediate CSV in the transactions column order that readers stream rows into, so DuckDB
 * can load them with one fast typed scan. Strings are always quoted (an unquoted empty field is
 * NULL); InvoiceDate is `YYYY-MM-DD HH:MM:SS`.
 */
export class TypedCsvWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;
  rows = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Appends one finished CSV line (fields already escaped by {@link csvQuote}). */
  line(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    this.rows++;
    if (this.pending >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A quoted CSV field; callers cache it per distinct string. */
export function csvQuote(value: string): string {
  return value.includes('"') ? `"${value.replaceAll('"', '""')}"` : `"${value}"`;
}

/** Loads a {@link TypedCsvWriter} file into the typed transactions Parquet, keeping row order. */
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
    `SELECT ${select} FROM read_csv(${sqlString(csvPath)}, header = false, delim = ',', quote = '"', escape = '"', columns = {${columns}}, timestampformat = '%Y-%m-%d %H:%M:%S', auto_detect = false)`,
    outPath,
  );
}

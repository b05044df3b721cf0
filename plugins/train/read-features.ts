import type {DuckDBConnection} from '@duckdb/node-api';
import {CUSTOMER_FEATURES} from '../../runner/src/model/features.js';
import {matrix, type Matrix} from '../../runner/src/model/ml/matrix.js';

const RFM_COLUMNS = CUSTOMER_FEATURES.slice(0, 12);
const SEASONALITY_COLUMNS = CUSTOMER_FEATURES.slice(12);

/** Customers (ascending CustomerID) and their 15 raw features in model order. */
export interface CustomerFeatures {
  readonly ids: Int32Array;
  readonly x: Matrix;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function requireColumns(
  db: DuckDBConnection,
  path: string,
  label: string,
  columns: readonly string[],
): Promise<void> {
  const reader = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
  const found = reader.getRowObjectsJson().map((r) => String(r['column_name']));
  const missing = ['CustomerID', ...columns].filter((c) => !found.includes(c));
  if (missing.length > 0) {
    throw new Error(
      `${label} (${path}) lacks column(s) ${missing.join(', ')}. Expected CustomerID and ` +
        `${columns.join(', ')}; found ${found.join(', ')}. Check the stage that writes it.`,
    );
  }
}

/**
 * Reads customers.parquet and seasonality.parquet (DESIGN.md section 7) into one matrix. Both must
 * hold the same customers, with no missing or non-finite values.
 */
export async function readCustomerFeatures(
  db: DuckDBConnection,
  customersPath: string,
  seasonalityPath: string,
): Promise<CustomerFeatures> {
  await requireColumns(db, customersPath, 'customers.parquet', RFM_COLUMNS);
  await requireColumns(db, seasonalityPath, 'seasonality.parquet', SEASONALITY_COLUMNS);
  const select = [
    'coalesce(c.CustomerID, s.CustomerID) AS CustomerID',
    ...RFM_COLUMNS.map((f) => `CAST(c.${quoteIdent(f)} AS DOUBLE) AS ${quoteIdent(f)}`),
    ...SEASONALITY_COLUMNS.map((f) => `CAST(s.${quoteIdent(f)} AS DOUBLE) AS ${quoteIdent(f)}`),
  ].join(', ');
  const reader = await db.runAndReadAll(
    `SELECT ${select} FROM read_parquet(${sqlString(customersPath)}) c
     FULL OUTER JOIN read_parquet(${sqlString(seasonalityPath)}) s ON c.CustomerID = s.CustomerID
     ORDER BY 1`,
  );
  const columns = reader.getColumns();
  const idColumn = columns[0] ?? [];
  const n = idColumn.length;
  const p = CUSTOMER_FEATURES.length;
  const ids = new Int32Array(n);
  const x = matrix(n, p);
  const problems: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = idColumn[i];
    if (id === null || id === undefined) {
      problems.push(`row ${i + 1} has no CustomerID`);
      continue;
    }
    ids[i] = Number(id);
    for (let j = 0; j < p; j++) {
      const v = columns[j + 1]?.[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        if (problems.length < 10) {
          problems.push(
            `customer ${ids[i]}: ${CUSTOMER_FEATURES[j]} is ${v === null ? 'missing' : String(v)}` +
              (v === null ? ' (is the customer in both feature tables?)' : ''),
          );
        }
        continue;
      }
      x.data[i * p + j] = v;
    }
  }
  if (problems.length > 0) {
    throw new Error(`The feature tables cannot be trained on:\n  - ${problems.join('\n  - ')}`);
  }
  if (n < 3) throw new Error(`The feature tables hold ${n} customers; training needs at least 3.`);
  return {ids, x};
}

import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {duckDbModule} from '../../util/duckdb-module.js';

/** One recommended product; every column of the table except CustomerID, as stored. */
export type RecommendationRow = Readonly<Record<string, string | number | boolean | null>>;

/** The recommendations bundled with a model, indexed by customer id once at load time. */
export interface RecommendationTable {
  /** The file they were read from. */
  readonly path: string;
  /** md5 of the file, so a reload can tell whether it changed. */
  readonly md5: string;
  readonly customers: number;
  /** Rows for one customer (in table order, i.e. by rank), or undefined when it is not there. */
  forCustomer(customerId: string): readonly RecommendationRow[] | undefined;
}

/**
 * Reads data/processed/recommendations.parquet (or a .json array of row objects) through DuckDB.
 * The table needs a CustomerID column; rows keep their file order within a customer, so the
 * train stage's ordering (cluster, CustomerID, rank) is what clients see.
 */
export async function readRecommendations(path: string): Promise<RecommendationTable> {
  const reader = path.endsWith('.json') ? 'read_json_auto' : 'read_parquet';
  const instance = await duckDbModule().DuckDBInstance.create(':memory:', {threads: '1'});
  try {
    const connection = await instance.connect();
    try {
      const result = await connection.runAndReadAll(
        `SELECT * FROM ${reader}('${path.replaceAll("'", "''")}')`,
      );
      const columns = result.columnNames();
      if (!columns.includes('CustomerID')) {
        throw new Error(
          `${path} has no CustomerID column (columns: ${columns.join(', ')}); it should be the train stage's recommendations table.`,
        );
      }
      const md5 = createHash('md5')
        .update(await readFile(path))
        .digest('hex');
      return index(path, md5, result.getRowObjectsJS().map(plainRow));
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

function index(path: string, md5: string, rows: Record<string, unknown>[]): RecommendationTable {
  const byCustomer = new Map<string, RecommendationRow[]>();
  for (const {CustomerID: id, ...rest} of rows) {
    const key = customerKey(id);
    if (key === undefined) continue;
    let list = byCustomer.get(key);
    if (!list) byCustomer.set(key, (list = []));
    list.push(rest as RecommendationRow);
  }
  return {
    path,
    md5,
    customers: byCustomer.size,
    forCustomer: (customerId) => byCustomer.get(customerKey(customerId) ?? ''),
  };
}

/** JSON-friendly values: BIGINT as a number when exact (ids, ranks), dates as ISO text. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
  return out;
}

function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  return Array.isArray(value) ? value.map(plainValue) : String(value);
}

/** "12347", 12347 and 12347.0 (the original data stores ids as floats) are the same customer. */
export function customerKey(id: unknown): string | undefined {
  if (typeof id === 'number') return Number.isFinite(id) ? String(id) : undefined;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const n = Number(id);
  return Number.isFinite(n) ? String(n) : id;
}

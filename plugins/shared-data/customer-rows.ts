import {sqlString} from './sql.js';
import {MONEY_SCALE, spendMicrosSql} from './transactions-schema.js';

/**
 * SQL for the cleaned rows that belong to a customer, with their file order (`rn`), calendar
 * date (`day`) and exact spend in micro-units (`spend`, BIGINT).
 */
export function customerRowsSql(cleanedPath: string): string {
  return `SELECT CustomerID, InvoiceNo, StockCode, Quantity, InvoiceDate, Country,
      file_row_number AS rn, CAST(InvoiceDate AS DATE) AS day, ${spendMicrosSql()} AS spend
    FROM read_parquet(${sqlString(cleanedPath)}, file_row_number = true)
    WHERE CustomerID IS NOT NULL`;
}

/** Exact integer micro-units (HUGEINT) to money as DOUBLE, divided by `divisor` in one rounding. */
export function microsToDouble(micros: string, divisor = '1'): string {
  return `(CAST(${micros} AS DOUBLE) / (CAST(${divisor} AS DOUBLE) * ${MONEY_SCALE}))`;
}

import {stageDuckDb} from '../shared-data/duckdb-connection.js';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {customerRowsSql, microsToDouble} from '../shared-data/customer-rows.js';
import {copyToParquet, queryRows} from '../shared-data/parquet.js';
import {sqlString} from '../shared-data/sql.js';
import type {RfmParams} from './index.js';

/** Output columns after CustomerID, in contract order (DESIGN.md section 7). */
export const RFM_COLUMNS = [
  'Days_Since_Last_Purchase',
  'Total_Transactions',
  'Total_Products_Purchased',
  'Total_Spend',
  'Average_Transaction_Value',
  'Unique_Products_Purchased',
  'Average_Days_Between_Purchases',
  'Day_Of_Week',
  'Hour',
  'Is_UK',
  'Cancellation_Frequency',
  'Cancellation_Rate',
] as const;

/**
 * SQL of the rfm table. Every aggregate is an integer (exact whatever the thread count) until the
 * final divisions; modes break ties towards the smallest value with an ordered `first`.
 * The rows are read again by each part rather than materialised once (each part reads only its
 * columns, which is cheaper than copying all of them), and the distinct counts are group-bys
 * over (customer, invoice) and (customer, product) pairs rather than DISTINCT aggregates (the
 * pairs keep NULLs so every customer has a row; `count(column)` skips them as DISTINCT did).
 */
export function rfmSql(cleanedPath: string): string {
  return `WITH t AS NOT MATERIALIZED (${customerRowsSql(cleanedPath)}),
  invoices AS (
    SELECT CustomerID, count(InvoiceNo) AS tx,
      count(InvoiceNo) FILTER (WHERE starts_with(InvoiceNo, 'C')) AS cancellations
    FROM (SELECT DISTINCT CustomerID, InvoiceNo FROM t) GROUP BY CustomerID),
  products AS (
    SELECT CustomerID, count(StockCode) AS products
    FROM (SELECT DISTINCT CustomerID, StockCode FROM t) GROUP BY CustomerID),
  totals AS (
    SELECT CustomerID,
      sum(Quantity) AS quantity,
      sum(spend) AS spend,
      count(*) AS n,
      max(day) AS last_day,
      arg_max(day, rn) AS last_row_day,
      arg_min(day, rn) AS first_row_day
    FROM t GROUP BY CustomerID),
  base AS (SELECT * FROM totals JOIN invoices USING (CustomerID) JOIN products USING (CustomerID)),
  dow AS (
    SELECT CustomerID, first(v ORDER BY c DESC, v) AS v FROM (
      SELECT CustomerID, isodow(InvoiceDate) - 1 AS v, count(*) AS c FROM t GROUP BY ALL)
    GROUP BY CustomerID),
  hour AS (
    SELECT CustomerID, first(v ORDER BY c DESC, v) AS v FROM (
      SELECT CustomerID, hour(InvoiceDate) AS v, count(*) AS c FROM t GROUP BY ALL)
    GROUP BY CustomerID),
  country AS (
    SELECT CustomerID, first(v ORDER BY c DESC, v) AS v FROM (
      SELECT CustomerID, Country AS v, count(*) AS c FROM t GROUP BY ALL)
    GROUP BY CustomerID)
  SELECT base.CustomerID,
    CAST((SELECT max(day) FROM t) - last_day AS INTEGER) AS Days_Since_Last_Purchase,
    CAST(tx AS INTEGER) AS Total_Transactions,
    CAST(quantity AS BIGINT) AS Total_Products_Purchased,
    ${microsToDouble('spend')} AS Total_Spend,
    ${microsToDouble('spend', 'tx')} AS Average_Transaction_Value,
    CAST(products AS INTEGER) AS Unique_Products_Purchased,
    CASE WHEN n > 1 THEN CAST(last_row_day - first_row_day AS DOUBLE) / CAST(n - 1 AS DOUBLE) ELSE 0.0 END
      AS Average_Days_Between_Purchases,
    CAST(dow.v AS INTEGER) AS Day_Of_Week,
    CAST(hour.v AS INTEGER) AS Hour,
    CASE WHEN country.v = 'United Kingdom' THEN 1 ELSE 0 END AS Is_UK,
    CAST(cancellations AS INTEGER) AS Cancellation_Frequency,
    CAST(cancellations AS DOUBLE) / CAST(tx AS DOUBLE) AS Cancellation_Rate
  FROM base
  JOIN dow USING (CustomerID) JOIN hour USING (CustomerID) JOIN country USING (CustomerID)
  ORDER BY base.CustomerID`;
}

export async function runRfm(ctx: StageContext<RfmParams>): Promise<void> {
  const [input] = ctx.deps;
  const [out] = ctx.outs;
  if (!input || !out)
    throw new Error('rfm: declare one dep (cleaned table) and one out (.parquet).');
  const db = await stageDuckDb(ctx);
  await copyToParquet(db, rfmSql(input), out);
  const [row] = await queryRows(db, `SELECT count(*) AS n FROM read_parquet(${sqlString(out)})`);
  ctx.log.info('customer features written', {customers: Number(row?.['n'])});
}

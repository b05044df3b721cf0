import {stageDuckDb} from '../shared-data/duckdb-connection.js';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {customerRowsSql, microsToDouble} from '../shared-data/customer-rows.js';
import {copyToParquet, queryRows} from '../shared-data/parquet.js';
import {sqlString} from '../shared-data/sql.js';
import type {SeasonalityParams} from './index.js';

export const SEASONALITY_COLUMNS = [
  'Monthly_Spending_Mean',
  'Monthly_Spending_Std',
  'Spending_Trend',
] as const;

/**
 * SQL of the seasonality table. Monthly spends y (micro-units) and their sums Σy, Σy², Σxy are
 * exact integers, so the closed forms below have a single rounding each and do not depend on
 * thread count:
 *   std   = sqrt((mΣy² - (Σy)²) / (m(m-1)))
 *   slope = (mΣxy - ΣxΣy) / (mΣx² - (Σx)²) with Σx = m(m-1)/2, mΣx² - (Σx)² = m²(m²-1)/12,
 * which is an exact 0 for flat spend.
 */
export function seasonalitySql(cleanedPath: string): string {
  return `WITH t AS (${customerRowsSql(cleanedPath)}),
  months AS (
    SELECT CustomerID, year(InvoiceDate) * 12 + month(InvoiceDate) AS ym, CAST(sum(spend) AS HUGEINT) AS y
    FROM t GROUP BY ALL),
  indexed AS (
    SELECT CustomerID, y, CAST(row_number() OVER (PARTITION BY CustomerID ORDER BY ym) - 1 AS HUGEINT) AS x
    FROM months),
  sums AS (
    SELECT CustomerID, CAST(count(*) AS HUGEINT) AS m, sum(y) AS sy, sum(y * y) AS syy, sum(x * y) AS sxy
    FROM indexed GROUP BY CustomerID)
  SELECT CustomerID,
    ${microsToDouble('sy', 'm')} AS Monthly_Spending_Mean,
    CASE WHEN m > 1
      THEN sqrt(CAST(m * syy - sy * sy AS DOUBLE) / CAST(m * (m - 1) AS DOUBLE)) / 1e6
      ELSE 0.0 END AS Monthly_Spending_Std,
    CASE WHEN m > 1
      THEN ${microsToDouble('m * sxy - (m * (m - 1) // 2) * sy', '(m * m * (m * m - 1)) // 12')}
      ELSE 0.0 END AS Spending_Trend
  FROM sums
  ORDER BY CustomerID`;
}

export async function runSeasonality(ctx: StageContext<SeasonalityParams>): Promise<void> {
  const [input] = ctx.deps;
  const [out] = ctx.outs;
  if (!input || !out) {
    throw new Error('seasonality: declare one dep (cleaned table) and one out (.parquet).');
  }
  const db = await stageDuckDb(ctx);
  await copyToParquet(db, seasonalitySql(input), out);
  const [row] = await queryRows(db, `SELECT count(*) AS n FROM read_parquet(${sqlString(out)})`);
  ctx.log.info('seasonality features written', {customers: Number(row?.['n'])});
}

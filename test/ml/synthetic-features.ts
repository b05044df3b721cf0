import {DuckDBInstance} from '@duckdb/node-api';
import path from 'node:path';
import type {FeatureTables} from './reference-features.js';

/**
 * Small deterministic feature tables shaped like the real ones: `customers` customers in three
 * behaviour groups plus a few extreme ones, and cleaned rows over 40 products for the
 * recommendations. Everything comes from hash() of the ids, so the files are identical each time.
 */
export async function writeSyntheticFeatures(
  outDir: string,
  customers = 300,
): Promise<FeatureTables> {
  const instance = await DuckDBInstance.create(':memory:', {threads: '1'});
  const db = await instance.connect();
  const out: FeatureTables = {
    customers: path.join(outDir, 'customers.parquet'),
    seasonality: path.join(outDir, 'seasonality.parquet'),
    clean: path.join(outDir, 'clean.parquet'),
  };
  const u = (salt: number): string => `((hash(CustomerID * 31 + ${salt}) % 100000) / 100000.0)`;
  try {
    await db.run(`CREATE TABLE base AS
      SELECT id AS CustomerID, id % 3 AS g, CASE WHEN id % 50 = 0 THEN 8.0 ELSE 1.0 END AS boost
      FROM range(10000, 10000 + ${customers}) t(id)`);
    await db.run(`CREATE TABLE f AS SELECT CustomerID, g, boost,
        CAST(CASE g WHEN 0 THEN 20 WHEN 1 THEN 150 ELSE 60 END * ${u(1)} * boost AS INTEGER) AS Days_Since_Last_Purchase,
        CAST(1 + CASE g WHEN 0 THEN 12 WHEN 1 THEN 2 ELSE 5 END * ${u(2)} * boost AS INTEGER) AS Total_Transactions,
        CAST(CASE g WHEN 0 THEN 2000 WHEN 1 THEN 200 ELSE 600 END * (0.5 + ${u(3)}) * boost AS INTEGER) AS Total_Products_Purchased,
        round(CASE g WHEN 0 THEN 4000 WHEN 1 THEN 300 ELSE 1200 END * (0.5 + ${u(4)}) * boost, 2) AS Total_Spend,
        CAST(5 + 100 * ${u(5)} * boost AS INTEGER) AS Unique_Products_Purchased,
        round(10 * ${u(6)}, 3) AS Average_Days_Between_Purchases,
        CAST(6 * ${u(7)} AS INTEGER) AS Day_Of_Week,
        CAST(8 + 10 * ${u(8)} AS INTEGER) AS Hour,
        CAST(${u(9)} < 0.9 AS INTEGER) AS Is_UK,
        CAST(3 * ${u(10)} AS INTEGER) AS Cancellation_Frequency
      FROM base`);
    await db.run(`COPY (SELECT CustomerID, Days_Since_Last_Purchase, Total_Transactions, Total_Products_Purchased,
        Total_Spend, Total_Spend / Total_Transactions AS Average_Transaction_Value, Unique_Products_Purchased,
        Average_Days_Between_Purchases, Day_Of_Week, Hour, Is_UK, Cancellation_Frequency,
        Cancellation_Frequency / Total_Transactions AS Cancellation_Rate
      FROM f ORDER BY CustomerID) TO '${out.customers}' (FORMAT parquet)`);
    await db.run(`COPY (SELECT CustomerID, Total_Spend / 4 AS Monthly_Spending_Mean,
        round(Total_Spend * ${u(11)} / 5, 2) AS Monthly_Spending_Std, round((${u(12)} - 0.5) * 100, 2) AS Spending_Trend
      FROM f ORDER BY CustomerID) TO '${out.seasonality}' (FORMAT parquet)`);
    // Each group prefers its own product range; quantities decide the per-cluster top lists.
    await db.run(`COPY (
      SELECT CAST(CustomerID AS INTEGER) AS CustomerID, 'S' || lpad(CAST(p AS VARCHAR), 5, '0') AS StockCode,
             'PRODUCT ' || p AS Description,
             CAST(1 + (hash(CustomerID * 7 + j) % 12) AS INTEGER) * CASE WHEN j = 0 AND CustomerID % 7 = 0 THEN -1 ELSE 1 END AS Quantity
      FROM (SELECT CustomerID, g, j, CAST((g * 10 + hash(CustomerID * 13 + j) % 22) % 40 AS INTEGER) AS p
            FROM f, range(0, 12) r(j))
      ORDER BY CustomerID, j) TO '${out.clean}' (FORMAT parquet)`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  return out;
}

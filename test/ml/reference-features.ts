import {DuckDBInstance} from '@duckdb/node-api';
import path from 'node:path';

/** The real Online Retail CSV, when this machine has it. */
export const REAL_CSV = path.resolve(
  import.meta.dirname,
  '../../../shared/data/online-retail.csv.gz',
);

/** Paths of the tables that the train stage reads. */
export interface FeatureTables {
  readonly customers: string;
  readonly seasonality: string;
  readonly clean: string;
}

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * An independent reference implementation of SEMANTICS.md "clean", "rfm" and "seasonality" in
 * DuckDB SQL, so the ML stages can be tested on real features while the data-stage plugins
 * evolve on their own. Money is summed exactly as DECIMAL(18,3).
 */
export async function writeReferenceFeatures(csv: string, outDir: string): Promise<FeatureTables> {
  const instance = await DuckDBInstance.create(':memory:', {threads: '2'});
  const db = await instance.connect();
  const out: FeatureTables = {
    customers: path.join(outDir, 'customers.parquet'),
    seasonality: path.join(outDir, 'seasonality.parquet'),
    clean: path.join(outDir, 'clean.parquet'),
  };
  try {
    await db.run(`CREATE TABLE raw AS SELECT * FROM read_csv(${q(csv)}, header = true, columns = {
      'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR', 'Quantity': 'INTEGER',
      'InvoiceDate': 'TIMESTAMP', 'UnitPrice': 'DECIMAL(18,3)', 'CustomerID': 'DOUBLE', 'Country': 'VARCHAR'})`);
    await db.run(`CREATE TABLE clean AS
      WITH numbered AS (SELECT rowid AS rn, * REPLACE (CAST(CustomerID AS INTEGER) AS CustomerID) FROM raw),
      s1 AS (SELECT * FROM numbered WHERE CustomerID IS NOT NULL AND Description IS NOT NULL),
      s2 AS (SELECT * FROM s1 QUALIFY row_number() OVER (
               PARTITION BY InvoiceNo, StockCode, Description, CustomerID, Quantity ORDER BY rn) = 1)
      SELECT rn, InvoiceNo, StockCode, upper(Description) AS Description, Quantity, InvoiceDate, UnitPrice,
             CustomerID, Country,
             CASE WHEN starts_with(InvoiceNo, 'C') THEN 'Cancelled' ELSE 'Completed' END AS Transaction_Status
      FROM s2
      WHERE length(regexp_replace(StockCode, '[^0-9]', '', 'g')) >= 2
        AND Description NOT IN ('Next Day Carriage', 'High Resolution Image')
        AND UnitPrice > 0
      ORDER BY rn`);
    await db.run(`COPY (SELECT * EXCLUDE (rn) REPLACE (CAST(UnitPrice AS DOUBLE) AS UnitPrice) FROM clean ORDER BY rn)
      TO ${q(out.clean)} (FORMAT parquet)`);
    await db.run(`COPY (
      WITH c AS (SELECT *, CAST(InvoiceDate AS DATE) AS day FROM clean),
      last_day AS (SELECT max(day) AS d FROM c),
      base AS (
        SELECT CustomerID,
          (SELECT d FROM last_day) - max(day) AS Days_Since_Last_Purchase,
          count(DISTINCT InvoiceNo) AS Total_Transactions,
          sum(Quantity) AS Total_Products_Purchased,
          CAST(sum(UnitPrice * Quantity) AS DOUBLE) AS Total_Spend,
          count(DISTINCT StockCode) AS Unique_Products_Purchased,
          CASE WHEN count(*) = 1 THEN 0.0
               ELSE (arg_max(day, rn) - arg_min(day, rn)) / (count(*) - 1) END AS Average_Days_Between_Purchases,
          count(DISTINCT InvoiceNo) FILTER (WHERE Transaction_Status = 'Cancelled') AS Cancellation_Frequency
        FROM c GROUP BY CustomerID),
      dow AS (SELECT CustomerID, isodow(InvoiceDate) - 1 AS v, count(*) AS n FROM c GROUP BY 1, 2
              QUALIFY row_number() OVER (PARTITION BY CustomerID ORDER BY n DESC, v) = 1),
      hour AS (SELECT CustomerID, hour(InvoiceDate) AS v, count(*) AS n FROM c GROUP BY 1, 2
              QUALIFY row_number() OVER (PARTITION BY CustomerID ORDER BY n DESC, v) = 1),
      country AS (SELECT CustomerID, Country AS v, count(*) AS n FROM c GROUP BY 1, 2
              QUALIFY row_number() OVER (PARTITION BY CustomerID ORDER BY n DESC, v) = 1)
      SELECT b.CustomerID, b.Days_Since_Last_Purchase, b.Total_Transactions, b.Total_Products_Purchased,
        b.Total_Spend, b.Total_Spend / b.Total_Transactions AS Average_Transaction_Value,
        b.Unique_Products_Purchased, b.Average_Days_Between_Purchases,
        dow.v AS Day_Of_Week, hour.v AS Hour, CAST(country.v = 'United Kingdom' AS INTEGER) AS Is_UK,
        b.Cancellation_Frequency, b.Cancellation_Frequency / b.Total_Transactions AS Cancellation_Rate
      FROM base b JOIN dow USING (CustomerID) JOIN hour USING (CustomerID) JOIN country USING (CustomerID)
      ORDER BY b.CustomerID) TO ${q(out.customers)} (FORMAT parquet)`);
    await db.run(`COPY (
      WITH months AS (
        SELECT CustomerID, year(InvoiceDate) AS y, month(InvoiceDate) AS m, sum(UnitPrice * Quantity) AS spend
        FROM clean GROUP BY ALL),
      ordered AS (SELECT *, row_number() OVER (PARTITION BY CustomerID ORDER BY y, m) - 1 AS x FROM months)
      SELECT CustomerID,
        CAST(sum(spend) AS DOUBLE) / count(*) AS Monthly_Spending_Mean,
        coalesce(stddev_samp(CAST(spend AS DOUBLE)), 0) AS Monthly_Spending_Std,
        CASE WHEN count(*) = 1 THEN 0.0 ELSE regr_slope(CAST(spend AS DOUBLE), x) END AS Spending_Trend
      FROM ordered GROUP BY CustomerID ORDER BY CustomerID) TO ${q(out.seasonality)} (FORMAT parquet)`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  return out;
}

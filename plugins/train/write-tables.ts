import type {DuckDBConnection} from '@duckdb/node-api';
import {quoteIdent, sqlString} from './read-features.js';
import type {Segmentation} from './fit-segmentation.js';

const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880';

/**
 * data/processed/segments.parquet: CustomerID, PC1..PCn, cluster INTEGER, is_outlier BOOLEAN,
 * one row per customer, ordered by CustomerID (DESIGN.md section 7). Also left in the connection
 * as table `segments` for the recommendations query.
 */
export async function writeSegments(
  db: DuckDBConnection,
  ids: Int32Array,
  segmentation: Segmentation,
  path: string,
): Promise<void> {
  const {components, labels, isOutlier} = segmentation;
  const pcs = Array.from({length: components.cols}, (_, c) => `PC${c + 1}`);
  await db.run(
    `CREATE OR REPLACE TABLE segments (CustomerID INTEGER, ${pcs
      .map((pc) => `${pc} DOUBLE`)
      .join(', ')}, cluster INTEGER, is_outlier BOOLEAN)`,
  );
  const appender = await db.createAppender('segments');
  for (let i = 0; i < ids.length; i++) {
    appender.appendInteger(ids[i] as number);
    for (let c = 0; c < components.cols; c++) {
      appender.appendDouble(components.data[i * components.cols + c] as number);
    }
    appender.appendInteger(labels[i] as number);
    appender.appendBoolean(isOutlier[i] === 1);
    appender.endRow();
  }
  appender.closeSync();
  await db.run(
    `COPY (SELECT * FROM segments ORDER BY CustomerID) TO ${sqlString(path)} (${PARQUET_OPTIONS})`,
  );
}

/**
 * data/processed/recommendations.parquet (SEMANTICS.md "train" step 5): per cluster, the
 * `topProducts` (StockCode, Description) with the largest summed Quantity over cleaned rows of
 * non-outlier customers (ties: StockCode, Description ascending); for every customer (outliers
 * through their nearest cluster) the first `perCustomer` of those whose StockCode the customer
 * has no row for. Columns: cluster, CustomerID, rank (1-based), StockCode, Description,
 * cluster_quantity; ordered by cluster, CustomerID, rank.
 */
export async function writeRecommendations(
  db: DuckDBConnection,
  cleanPath: string,
  path: string,
  topProducts: number,
  perCustomer: number,
): Promise<void> {
  const clean = `read_parquet(${sqlString(cleanPath)})`;
  const sql = `
    WITH rows AS (
      SELECT c.CustomerID, c.StockCode, c.Description, c.Quantity, s.cluster
      FROM ${clean} c JOIN segments s ON c.CustomerID = s.CustomerID
      WHERE NOT s.is_outlier
    ),
    top AS (
      SELECT cluster, StockCode, Description, sum(Quantity)::BIGINT AS cluster_quantity,
             row_number() OVER (PARTITION BY cluster
                                ORDER BY sum(Quantity) DESC, StockCode, Description) AS product_rank
      FROM rows GROUP BY cluster, StockCode, Description
      QUALIFY product_rank <= ${topProducts}
    ),
    -- Only the top products can be excluded: the other pairs need not be collected.
    bought AS (
      SELECT DISTINCT CustomerID, StockCode FROM ${clean}
      WHERE StockCode IN (SELECT StockCode FROM top)
    ),
    candidates AS (
      SELECT s.cluster, s.CustomerID, t.product_rank, t.StockCode, t.Description, t.cluster_quantity
      FROM segments s JOIN top t ON t.cluster = s.cluster
      ANTI JOIN bought b ON b.CustomerID = s.CustomerID AND b.StockCode = t.StockCode
    )
    SELECT cluster, CustomerID,
           CAST(row_number() OVER (PARTITION BY CustomerID ORDER BY product_rank) AS INTEGER) AS ${quoteIdent('rank')},
           StockCode, Description, cluster_quantity
    FROM candidates
    QUALIFY ${quoteIdent('rank')} <= ${perCustomer}
    ORDER BY cluster, CustomerID, ${quoteIdent('rank')}`;
  await db.run(`COPY (${sql}) TO ${sqlString(path)} (${PARQUET_OPTIONS})`);
}

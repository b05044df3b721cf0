import {stageDuckDb} from '../shared-data/duckdb-connection.js';
import {writeFile} from 'node:fs/promises';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {copyToParquet, queryRows} from '../shared-data/parquet.js';
import {sqlIdent, sqlString} from '../shared-data/sql.js';
import {stableJson} from '../shared-data/stable-json.js';
import {TRANSACTION_COLUMN_NAMES} from '../shared-data/transactions-schema.js';
import type {CleanParams} from './params.js';

/** Names of the steps in the report, numbered so sorted keys keep the order. */
export const STEP_KEYS = [
  '1_drop_missing',
  '2_drop_duplicates',
  '3_mark_status',
  '4_drop_service_codes',
  '5_drop_service_descriptions',
  '6_keep_positive_price',
] as const;

/**
 * Runs the steps in SEMANTICS.md order. Row order is the download's file order throughout
 * (`file_row_number`), so "keep the first duplicate" and the output order are well defined.
 */
export async function runClean(ctx: StageContext<CleanParams>): Promise<void> {
  const p = ctx.params;
  const [input] = ctx.deps;
  const [out] = ctx.outs;
  const [report] = ctx.metrics;
  if (!input || !out || !report) {
    throw new Error(
      'clean: declare one dep (transactions), one out (cleaned table) and one metric (report).',
    );
  }
  const db = await stageDuckDb(ctx);
  const source = `read_parquet(${sqlString(input)}, file_row_number = true)`;
  const step1 = p.dropMissing ? 'CustomerID IS NOT NULL AND Description IS NOT NULL' : 'true';
  const key = p.duplicateKey.map(sqlIdent).join(', ');
  // The first row of each key in file order: a hash aggregate, cheaper than a window.
  const dedup = p.dropDuplicates ? `WHERE rn IN (SELECT min(rn) FROM step1 GROUP BY ${key})` : '';
  // Two digits anywhere, tested by a match rather than by deleting the other characters and
  // counting (27 vs 44 ms on the real rows); (?s) lets a line break sit between the digits.
  const serviceCode = p.dropServiceCodes
    ? `coalesce(regexp_matches(StockCode, '(?s)[0-9].*[0-9]'), false)`
    : 'true';
  const descriptions = p.serviceDescriptions.map(sqlString).join(', ');
  const serviceDescription =
    p.dropServiceDescriptions && p.serviceDescriptions.length > 0
      ? `(Description IS NULL OR Description NOT IN (${descriptions}))`
      : 'true';
  const price = p.keepPositivePrice ? 'UnitPrice > 0' : 'true';
  await db.run(
    `CREATE OR REPLACE TEMP TABLE step2 AS
     WITH step1 AS (SELECT * EXCLUDE (file_row_number), file_row_number AS rn FROM ${source} WHERE ${step1})
     SELECT *, ${serviceCode} AS keep4, ${serviceDescription} AS keep5, ${price} AS keep6 FROM step1 ${dedup}`,
  );
  const [counts] = await queryRows(
    db,
    `SELECT (SELECT count(*) FROM read_parquet(${sqlString(input)})) AS rows_in,
       (SELECT count(*) FROM ${source} WHERE ${step1}) AS s1,
       count(*) AS s2,
       count(*) FILTER (WHERE keep4) AS s4,
       count(*) FILTER (WHERE keep4 AND keep5) AS s5,
       count(*) FILTER (WHERE keep4 AND keep5 AND keep6) AS s6,
       count(DISTINCT CustomerID) FILTER (WHERE keep4 AND keep5 AND keep6) AS customers
     FROM step2`,
  );
  if (!counts) throw new Error('clean: no counts');
  const n = (k: string): number => Number(counts[k]);

  const columns = TRANSACTION_COLUMN_NAMES.map((c) =>
    c === 'Description' && p.upperCaseDescription
      ? 'upper(Description) AS Description'
      : sqlIdent(c),
  );
  if (p.markStatus) {
    columns.push(
      `CASE WHEN starts_with(InvoiceNo, 'C') THEN 'Cancelled' ELSE 'Completed' END AS Transaction_Status`,
    );
  }
  await copyToParquet(
    db,
    `SELECT ${columns.join(', ')} FROM step2 WHERE keep4 AND keep5 AND keep6 ORDER BY rn`,
    out,
  );
  await db.run('DROP TABLE step2');

  const rowsAfter = [n('s1'), n('s2'), n('s2'), n('s4'), n('s5'), n('s6')];
  const enabled = [
    p.dropMissing,
    p.dropDuplicates,
    p.markStatus,
    p.dropServiceCodes,
    p.dropServiceDescriptions,
    p.keepPositivePrice,
  ];
  const result = {
    rows_in: n('rows_in'),
    rows_out: n('s6'),
    customers: n('customers'),
    rows_after: Object.fromEntries(STEP_KEYS.map((k, i) => [k, rowsAfter[i]])),
    disabled: STEP_KEYS.filter((_, i) => !enabled[i]),
  };
  await writeFile(report, stableJson(result));
  ctx.log.info('cleaned', {rows: result.rows_out, customers: result.customers});
}

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

/** Bits of a row's verdicts on steps 4, 5 and 6 (1 = the row stays). */
const KEEP4 = 4;
const KEEP5 = 2;
const KEEP6 = 1;
const KEPT = KEEP4 | KEEP5 | KEEP6;
/** `get_bit` takes an INTEGER position: longer tables are joined back to their first rows instead. */
const MAX_BITMAP_ROWS = 2 ** 31 - 1;

/**
 * Runs the steps in SEMANTICS.md order. Row order is the download's file order throughout
 * (`file_row_number`), so "keep the first duplicate" and the output order are well defined.
 *
 * Nothing wide is materialised: one aggregate keeps, per duplicate key, the first row's number and
 * its step 4-6 verdicts, packed as `row * 8 + flags` so a single `min` picks both. The report's
 * counts come from that small table, and the output is the source rows whose numbers it keeps (a
 * temporary table of all columns cost more than the rest of the stage).
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
  // Two digits anywhere: a GLOB, twice as fast as the equivalent regular expression, and its `*`
  // spans line breaks too.
  const serviceCode = p.dropServiceCodes
    ? `coalesce(StockCode GLOB '*[0-9]*[0-9]*', false)`
    : 'true';
  const descriptions = p.serviceDescriptions.map(sqlString).join(', ');
  const serviceDescription =
    p.dropServiceDescriptions && p.serviceDescriptions.length > 0
      ? `(Description IS NULL OR Description NOT IN (${descriptions}))`
      : 'true';
  const price = p.keepPositivePrice ? 'UnitPrice > 0' : 'true';
  const flags = `(CASE WHEN ${serviceCode} THEN ${KEEP4} ELSE 0 END
    + CASE WHEN ${serviceDescription} THEN ${KEEP5} ELSE 0 END
    + CASE WHEN ${price} THEN ${KEEP6} ELSE 0 END)`;
  const packed = `file_row_number * 8 + ${flags}`;
  await db.run(
    p.dropDuplicates
      ? `CREATE OR REPLACE TEMP TABLE firsts AS
         SELECT min(${packed}) AS f, count(*) AS c FROM ${source} WHERE ${step1}
         GROUP BY ${p.duplicateKey.map(sqlIdent).join(', ')}`
      : `CREATE OR REPLACE TEMP TABLE firsts AS
         SELECT ${packed} AS f, 1 AS c FROM ${source} WHERE ${step1}`,
  );
  const [counts] = await queryRows(
    db,
    `SELECT (SELECT count(*) FROM read_parquet(${sqlString(input)})) AS rows_in,
       coalesce(sum(c), 0) AS s1,
       count(*) AS s2,
       count(*) FILTER (WHERE f & ${KEEP4} <> 0) AS s4,
       count(*) FILTER (WHERE f & ${KEEP4 | KEEP5} = ${KEEP4 | KEEP5}) AS s5,
       count(*) FILTER (WHERE f & ${KEPT} = ${KEPT}) AS s6
     FROM firsts`,
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
      // An ENUM is written as the same UTF-8 column, without hashing every value for the dictionary.
      `CAST(CASE WHEN starts_with(InvoiceNo, 'C') THEN 'Cancelled' ELSE 'Completed' END
        AS ENUM('Cancelled', 'Completed')) AS Transaction_Status`,
    );
  }
  let kept = `${flags} = ${KEPT}`;
  if (p.dropDuplicates && n('rows_in') <= MAX_BITMAP_ROWS) {
    // The kept rows as a bitmap over row numbers, tested per row: a join back to `firsts` cost
    // more than the bitmap's build and lookups.
    await db.run(
      `SET VARIABLE clean_kept = (SELECT bitstring_agg(f >> 3, 0, ${Math.max(n('rows_in') - 1, 0)})
       FROM firsts WHERE f & ${KEPT} = ${KEPT})`,
    );
    kept = `coalesce(get_bit(getvariable('clean_kept'), CAST(file_row_number AS INTEGER)) = 1, false)`;
  } else if (p.dropDuplicates) {
    kept = `file_row_number IN (SELECT f >> 3 FROM firsts WHERE f & ${KEPT} = ${KEPT})`;
  }
  await copyToParquet(
    db,
    `SELECT ${columns.join(', ')} FROM ${source} WHERE ${step1} AND ${kept} ORDER BY file_row_number`,
    out,
  );
  await db.run('DROP TABLE firsts');
  const [written] = await queryRows(
    db,
    `SELECT count(DISTINCT CustomerID) AS customers FROM read_parquet(${sqlString(out)})`,
  );

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
    customers: Number(written?.['customers']),
    rows_after: Object.fromEntries(STEP_KEYS.map((k, i) => [k, rowsAfter[i]])),
    disabled: STEP_KEYS.filter((_, i) => !enabled[i]),
  };
  await writeFile(report, stableJson(result));
  ctx.log.info('cleaned', {rows: result.rows_out, customers: result.customers});
}

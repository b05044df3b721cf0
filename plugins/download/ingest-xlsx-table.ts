import {stageDuckDb} from '../shared-data/duckdb-connection.js';
import {rm} from 'node:fs/promises';
import {join} from 'node:path';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {xlsxToTypedCsv} from './ingest-xlsx.js';
import type {DownloadParams} from './params.js';
import {typedCsvToParquet} from './typed-csv.js';

/** .xlsx -> typed CSV in the scratch folder -> typed Parquet. */
export async function ingestXlsx(
  ctx: StageContext<DownloadParams>,
  xlsxPath: string,
  label: string,
  out: string,
): Promise<void> {
  const csv = join(ctx.tmpdir, 'xlsx-rows.csv');
  try {
    await xlsxToTypedCsv(ctx, xlsxPath, label, csv);
    await typedCsvToParquet(await stageDuckDb(ctx), csv, out);
  } finally {
    await rm(csv, {force: true});
  }
}

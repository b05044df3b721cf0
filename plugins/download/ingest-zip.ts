import {stageDuckDb} from '../shared-data/duckdb-connection.js';
import {createWriteStream} from 'node:fs';
import {join} from 'node:path';
import {pipeline} from 'node:stream/promises';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {ingestXlsx} from './ingest-xlsx-table.js';
import {tableToParquet} from './ingest-table.js';
import type {DownloadParams} from './params.js';
import {findEntry, openZip, readEntry} from './zip-archive.js';

/**
 * A zip is either an .xlsx itself or, like the UCI download, a zip holding one .xlsx (or .csv):
 * the inner file is extracted to the scratch folder and read from there.
 */
export async function ingestZip(
  ctx: StageContext<DownloadParams>,
  path: string,
  label: string,
  out: string,
): Promise<void> {
  const zip = await openZip(path, label);
  if (findEntry(zip, '[Content_Types].xml') || findEntry(zip, 'xl/workbook.xml')) {
    await ingestXlsx(ctx, path, label, out);
    return;
  }
  const inner =
    zip.entries.find((e) => /\.xlsx$/i.test(e.name)) ??
    zip.entries.find((e) => /\.csv(\.gz)?$/i.test(e.name)) ??
    zip.entries.find((e) => /\.parquet$/i.test(e.name));
  if (!inner) {
    throw new Error(
      `download: zip ${label} holds no .xlsx, .csv or .parquet file (found: ${zip.entries.map((e) => e.name).join(', ') || 'nothing'}).`,
    );
  }
  const innerLabel = `${label} -> ${inner.name}`;
  const extracted = join(ctx.tmpdir, `inner-${inner.name.replace(/[^A-Za-z0-9.]+/g, '_')}`);
  await pipeline(readEntry(zip, inner, ctx.signal), createWriteStream(extracted));
  if (/\.xlsx$/i.test(inner.name)) await ingestXlsx(ctx, extracted, innerLabel, out);
  else {
    const format = /\.parquet$/i.test(inner.name)
      ? 'parquet'
      : /\.gz$/i.test(inner.name)
        ? 'csv.gz'
        : 'csv';
    await tableToParquet(await stageDuckDb(ctx), extracted, format, innerLabel, out);
  }
}

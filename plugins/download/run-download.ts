import {stageDuckDb} from '../shared-data/duckdb-connection.js';
import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {rm} from 'node:fs/promises';
import {isAbsolute, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {queryRows} from '../shared-data/parquet.js';
import {sqlString} from '../shared-data/sql.js';
import {detectFormat} from './detect-format.js';
import {fetchToFile} from './fetch-to-file.js';
import {ingestZip} from './ingest-zip.js';
import {tableToParquet} from './ingest-table.js';
import {sampleSettings, type DownloadParams} from './params.js';

/** The download stage: source -> bytes on disk (checked) -> typed Parquet at ctx.outs[0]. */
export async function runDownload(ctx: StageContext<DownloadParams>): Promise<void> {
  const out = ctx.outs[0];
  if (out === undefined)
    throw new Error('download: the stage must declare one out (the .parquet table).');
  try {
    await produce(ctx, out);
    const [count] = await queryRows(
      await stageDuckDb(ctx),
      `SELECT count(*) AS n FROM read_parquet(${sqlString(out)})`,
    );
    ctx.log.info('transactions written', {rows: Number(count?.['n'])});
  } catch (error) {
    // Nothing partial: the runner would not rename it, but a caller running us directly might.
    await rm(out, {force: true});
    throw error;
  }
}

async function produce(ctx: StageContext<DownloadParams>, out: string): Promise<void> {
  const {url} = ctx.params;
  if (url.startsWith('sample:')) {
    const {rows, seed} = sampleSettings(ctx.params);
    const {generateSample} = await import('./sample/generate-sample.js');
    await generateSample(ctx, {rows, seed}, out);
    return;
  }
  let path: string;
  let actual: string;
  if (/^https?:\/\//i.test(url)) {
    path = join(ctx.tmpdir, 'download.bin');
    actual = await fetchToFile(ctx, url, path);
  } else {
    path = url.startsWith('file:')
      ? fileURLToPath(url)
      : isAbsolute(url)
        ? url
        : resolve(ctx.root, url);
    actual = await hashFile(path, url);
  }
  const expected = ctx.params.sha256?.toLowerCase();
  if (expected !== undefined && expected !== actual) {
    throw new Error(
      `download: checksum mismatch for ${url}: expected sha256 ${expected}, got ${actual}. ` +
        'The source changed or the transfer was corrupted; update `sha256` only if the new data is intended.',
    );
  }
  ctx.log.info('source read', {url, sha256: actual});
  const format = await detectFormat(path, url);
  if (format === 'zip') {
    await ingestZip(ctx, path, url, out);
  } else {
    await tableToParquet(await stageDuckDb(ctx), path, format, url, out);
  }
}

async function hashFile(path: string, label: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, {highWaterMark: 1 << 20}))
      hash.update(chunk as Buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        `download: file ${label} not found (resolved to ${path}); paths are relative to the project root.`,
        {cause: error},
      );
    }
    throw error;
  }
  return hash.digest('hex');
}

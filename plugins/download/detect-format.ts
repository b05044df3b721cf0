import {open} from 'node:fs/promises';

/** What a source's bytes are, whatever its name says. */
export type SourceFormat = 'zip' | 'csv.gz' | 'parquet' | 'csv';

/** Tells formats apart by magic bytes: `PK\3\4` zip (also .xlsx), `1f 8b` gzip, `PAR1`, else text. */
export async function detectFormat(path: string, label: string): Promise<SourceFormat> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(4096);
  let length: number;
  try {
    ({bytesRead: length} = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  if (length === 0) throw new Error(`download: ${label} is empty (0 bytes).`);
  if (length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (length >= 4 && head.readUInt32LE(0) === 0x06054b50) {
    throw new Error(`download: ${label} is an empty zip archive.`);
  }
  if (length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'csv.gz';
  if (length >= 4 && head.toString('latin1', 0, 4) === 'PAR1') return 'parquet';
  if (head.subarray(0, length).includes(0)) {
    throw new Error(
      `download: ${label} is not a zip, .xlsx, .csv, .csv.gz or .parquet file (binary content starting ${head.subarray(0, 8).toString('hex')}).`,
    );
  }
  return 'csv';
}

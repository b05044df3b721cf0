import {open} from 'node:fs/promises';
import {gunzipSync, constants as zlibConstants} from 'node:zlib';

/** What the first lines of a CSV say about how to read it, so DuckDB need not sniff the file. */
export interface CsvLayout {
  readonly names: string[];
  readonly delimiter: string;
  /** A strptime format for InvoiceDate when it is not ISO (`12/1/2010 8:26`), else undefined. */
  readonly timestampFormat?: string;
}

const HEAD_BYTES = 64 * 1024;

/**
 * Reads the header and first data row from the start of a .csv or .csv.gz. DuckDB's sniffer
 * would work this out too, but it costs about as much CPU as reading the whole file.
 */
export async function readCsvLayout(
  path: string,
  gzipped: boolean,
  label: string,
): Promise<CsvLayout> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(HEAD_BYTES);
  let length: number;
  try {
    ({bytesRead: length} = await handle.read(head, 0, HEAD_BYTES, 0));
  } finally {
    await handle.close();
  }
  let bytes = head.subarray(0, length);
  if (gzipped) {
    try {
      // A prefix of a gzip stream: flush what inflates, ignore the missing end.
      bytes = gunzipSync(bytes, {finishFlush: zlibConstants.Z_SYNC_FLUSH});
    } catch (error) {
      throw new Error(
        `download: ${label} is not a readable gzip file: ${(error as Error).message}`,
        {cause: error},
      );
    }
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const [header = '', first = ''] = text.split(/\r?\n/, 2);
  const delimiter = [',', ';', '\t', '|'].reduce((best, d) =>
    header.split(d).length > header.split(best).length ? d : best,
  );
  const names = splitCsvLine(header, delimiter);
  const dateAt = names.findIndex((n) => n.trim() === 'InvoiceDate');
  const firstDate = dateAt >= 0 ? (splitCsvLine(first, delimiter)[dateAt] ?? '') : '';
  const layout: CsvLayout = {names, delimiter};
  if (/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}$/.test(firstDate.trim())) {
    return {...layout, timestampFormat: '%m/%d/%Y %H:%M'};
  }
  return layout;
}

/** Splits one CSV line, honouring double quotes (`""` inside quotes is a quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {ByteCsvWriter, MAX_ROW_BYTES} from './byte-csv-writer.js';
import {matchColumns} from './match-columns.js';
import type {DownloadParams} from './params.js';
import {csvQuote} from './typed-csv.js';
import {CellKind, scanSheetRows, type SheetRow} from './xlsx/sheet-scanner.js';
import {readWorkbookParts} from './xlsx/workbook.js';
import {openZip, readEntry} from './zip-archive.js';

const PROGRESS_EVERY = 16_384;
/** InvoiceNo, StockCode, Description and Country are text even when a cell stores a number. */
const TEXT_COLUMNS = [true, true, true, false, false, false, false, true];
const DATE_COLUMN = 4;
const COMMA = 44;
const QUOTE = 34;

/**
 * Streams the first sheet of an .xlsx into a typed CSV (see typed-csv.ts): one pass over the
 * sheet XML, shared strings quoted and encoded once each, Excel serial dates rounded to the
 * second. Returns the number of data rows.
 */
export async function xlsxToTypedCsv(
  ctx: StageContext<DownloadParams>,
  xlsxPath: string,
  label: string,
  csvPath: string,
): Promise<number> {
  const zip = await openZip(xlsxPath, label);
  const parts = await readWorkbookParts(zip, label);
  const strings = parts.sharedStrings;
  const encoded = strings.map((s) => Buffer.from(csvQuote(s)));
  const epochSeconds = parts.unixEpochSerial * 86_400;
  const lastSerial = Buffer.alloc(64);
  let lastSerialLength = -1;
  let lastDate = Buffer.alloc(0);
  const writer = new ByteCsvWriter(csvPath);
  let positions: number[] | undefined;
  let rowNumber = 0;
  let total: number | undefined;

  const writeDate = (b: Buffer, start: number, end: number): void => {
    const length = end - start;
    let same = length === lastSerialLength;
    for (let i = 0; same && i < length; i++) same = b[start + i] === lastSerial[i];
    if (!same) {
      const text = b.toString('latin1', start, end);
      const seconds = Math.round(Number(text) * 86_400) - epochSeconds;
      const date = new Date(seconds * 1000);
      if (length > lastSerial.length || Number.isNaN(date.getTime())) {
        throw new Error(`download: ${label} row ${rowNumber}: InvoiceDate ${text} is not a date.`);
      }
      b.copy(lastSerial, 0, start, end);
      lastSerialLength = length;
      lastDate = Buffer.from(`"${date.toISOString().slice(0, 19).replace('T', ' ')}"`);
    }
    writer.bytes(lastDate);
  };

  const writeShared = (b: Buffer, start: number, end: number): void => {
    let index = 0;
    for (let i = start; i < end; i++) index = index * 10 + ((b[i] as number) - 48);
    const q = encoded[index];
    if (q === undefined) {
      throw new Error(
        `download: unreadable .xlsx ${label}: row ${rowNumber} refers to shared string ${index}, which does not exist.`,
      );
    }
    writer.bytes(q);
  };

  const writeTextNumber = (b: Buffer, start: number, end: number): void => {
    let digits = end > start;
    for (let i = start; digits && i < end; i++) {
      const c = b[i] as number;
      digits = c >= 48 && c <= 57;
    }
    writer.byte(QUOTE);
    if (digits) writer.range(b, start, end);
    else writer.bytes(Buffer.from(digitString(b.toString('latin1', start, end))));
    writer.byte(QUOTE);
  };

  const onRow = (row: SheetRow): void => {
    rowNumber++;
    if (row.width === 0) return;
    if (positions === undefined) {
      const names: string[] = [];
      for (let i = 0; i < row.width; i++) names.push(cellText(row, i, strings));
      positions = matchColumns(names, label);
      ctx.progress.start('read .xlsx rows', total, 'rows');
      return;
    }
    writer.reserve(MAX_ROW_BYTES);
    const b = row.bytes;
    for (let out = 0; out < 8; out++) {
      if (out > 0) writer.byte(COMMA);
      const col = positions[out] as number;
      const kind = row.kinds[col];
      if (kind === CellKind.Empty) continue;
      const start = row.starts[col] as number;
      const end = row.ends[col] as number;
      if (kind === CellKind.SharedString) writeShared(b, start, end);
      else if (kind === CellKind.Text)
        writer.bytes(Buffer.from(csvQuote(row.texts[col] as string)));
      else if (out === DATE_COLUMN) writeDate(b, start, end);
      else if (TEXT_COLUMNS[out]) writeTextNumber(b, start, end);
      else writer.range(b, start, end);
    }
    writer.endRow();
    if (writer.rows % PROGRESS_EVERY === 0) {
      ctx.progress.update(writer.rows);
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
    }
  };

  try {
    await scanSheetRows(readEntry(zip, parts.sheet, ctx.signal), onRow, (lastRow) => {
      total = Math.max(0, lastRow - 1);
    });
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('download:') || ctx.signal.aborted) throw error;
    throw new Error(`download: unreadable .xlsx ${label}: ${message}.`, {cause: error});
  } finally {
    writer.close();
  }
  if (positions === undefined) matchColumns([], label);
  ctx.progress.update(writer.rows);
  ctx.progress.done();
  return writer.rows;
}

function cellText(row: SheetRow, column: number, strings: readonly string[]): string {
  const kind = row.kinds[column];
  if (kind === CellKind.Empty) return '';
  if (kind === CellKind.Text) return row.texts[column] ?? '';
  const raw = row.bytes.toString('utf8', row.starts[column], row.ends[column]);
  return kind === CellKind.SharedString ? (strings[Number(raw)] ?? '') : raw;
}

/** A number cell read back as the digit string it was typed as (`536365`, not `5.36365E5`). */
function digitString(raw: string): string {
  if (/^-?\d+$/.test(raw)) return raw;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? String(n) : raw;
}

import {stringItemText} from './xml-text.js';

/** What a cell held: nothing, a number's text, a shared-string index, or a decoded string. */
export const CellKind = {Empty: 0, Number: 1, SharedString: 2, Text: 3} as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

/** Columns beyond this many are ignored (the transactions table has 8). */
export const MAX_COLUMNS = 256;

/**
 * One sheet row as the scanner hands it over, valid only during the callback (the arrays and
 * the buffer are reused). For column i (0 = A): `kinds[i]`; for Number and SharedString cells the
 * raw `<v>` bytes are `bytes[starts[i]..ends[i])`; for Text cells the decoded string is `texts[i]`.
 */
export interface SheetRow {
  bytes: Buffer;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly texts: string[];
  /** One past the last column that has a cell. */
  width: number;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const SPACE = 32;
const QUOTE = 34;
const CLOSE_ROW = Buffer.from('</row>');

/**
 * Streams the `<row>` elements of a worksheet's XML with bounded memory (only the unfinished tail
 * of a chunk is kept). A hand-written byte scanner rather than a general XML parser: this is the
 * hot loop of .xlsx ingest, and working on bytes avoids creating a string per cell.
 */
export async function scanSheetRows(
  chunks: AsyncIterable<Buffer>,
  onRow: (row: SheetRow) => void,
  onDimension?: (lastRow: number) => void,
): Promise<void> {
  const row: SheetRow = {
    bytes: Buffer.alloc(0),
    kinds: new Uint8Array(MAX_COLUMNS),
    starts: new Int32Array(MAX_COLUMNS),
    ends: new Int32Array(MAX_COLUMNS),
    texts: new Array<string>(MAX_COLUMNS).fill(''),
    width: 0,
  };
  let tail: Buffer = Buffer.alloc(0);
  let seenDimension = onDimension === undefined;
  for await (const chunk of chunks) {
    const bytes = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    if (!seenDimension) seenDimension = readDimension(bytes, onDimension);
    const last = bytes.lastIndexOf(CLOSE_ROW);
    if (last < 0) {
      tail = bytes;
      continue;
    }
    scanRows(bytes, last + CLOSE_ROW.length, row, onRow);
    // A copy, so the big chunk can be freed.
    tail = Buffer.from(bytes.subarray(last + CLOSE_ROW.length));
  }
  scanRows(tail, tail.length, row, onRow);
}

function readDimension(bytes: Buffer, onDimension?: (lastRow: number) => void): boolean {
  const at = bytes.indexOf('<sheetData');
  const head = bytes.toString('latin1', 0, at < 0 ? Math.min(bytes.length, 4096) : at);
  const match = /<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"/.exec(head);
  if (match?.[1]) onDimension?.(Number(match[1]));
  return match !== null || at >= 0;
}

function scanRows(b: Buffer, end: number, row: SheetRow, onRow: (row: SheetRow) => void): void {
  row.bytes = b;
  let i = 0;
  for (;;) {
    const open = b.indexOf('<row', i);
    if (open < 0 || open >= end) return;
    let j = open + 4;
    while (b[j] !== GT) j++;
    if (b[j - 1] === SLASH) {
      i = j + 1; // an empty `<row/>`
      continue;
    }
    i = scanCells(b, j + 1, row);
    onRow(row);
  }
}

/** Reads cells from `i` up to `</row>`; returns the position after it. */
function scanCells(b: Buffer, i: number, row: SheetRow): number {
  const {kinds, starts, ends, texts} = row;
  kinds.fill(0, 0, row.width);
  const length = b.length;
  let width = 0;
  let column = -1;
  for (;;) {
    while (i < length && b[i] !== LT) i++;
    if (i >= length) throw malformed();
    const c1 = b[i + 1];
    if (c1 === SLASH) {
      // `</row>` (a stray `</c>` would have been consumed by its cell)
      i += 2;
      while (b[i] !== GT) i++;
      row.width = width;
      return i + 1;
    }
    const c2 = b[i + 2];
    if (c1 !== 99 /* c */ || (c2 !== SPACE && c2 !== GT && c2 !== SLASH)) {
      i++;
      continue;
    }
    // attributes of <c ...>
    let j = i + 2;
    let ref = -1;
    let type = 110; // n
    let type2 = 0;
    for (; j < length && b[j] !== GT; j++) {
      if (b[j] !== SPACE || b[j + 2] !== 61 /* = */) continue;
      const name = b[j + 1];
      if (name === 114 /* r */) ref = j + 4;
      else if (name === 116 /* t */) {
        type = b[j + 4] as number;
        type2 = b[j + 5] as number;
      }
    }
    column = ref >= 0 ? columnIndex(b, ref) : column + 1;
    if (b[j - 1] === SLASH) {
      i = j + 1;
      continue;
    }
    i = j + 1;
    let valueStart = -1;
    let valueEnd = -1;
    let inline = '';
    // children up to </c>
    for (;;) {
      while (i < length && b[i] !== LT) i++;
      if (i >= length) throw malformed();
      const n1 = b[i + 1];
      if (n1 === SLASH) {
        if (b[i + 2] === 99 /* c */ && b[i + 3] === GT) {
          i += 4;
          break;
        }
        i += 2;
        continue;
      }
      if (n1 === 118 /* v */) {
        let k = i + 2;
        while (b[k] !== GT) k++;
        valueStart = k + 1;
        valueEnd = b.indexOf(LT, valueStart);
        i = valueEnd;
        continue;
      }
      if (n1 === 105 /* i */ && b[i + 2] === 115 /* s */) {
        const close = b.indexOf('</is>', i);
        inline = stringItemText(b.toString('utf8', i, close));
        valueStart = i;
        i = close + 5;
        continue;
      }
      if (n1 === 102 /* f */) {
        // formula: skip its text (the cached result is in <v>)
        let k = i + 2;
        while (b[k] !== GT) k++;
        i = b[k - 1] === SLASH ? k + 1 : b.indexOf('</f>', k) + 4;
        continue;
      }
      i++;
    }
    if (column >= MAX_COLUMNS || valueStart < 0) continue;
    if (type === 105 /* inlineStr */) {
      texts[column] = inline;
      kinds[column] = CellKind.Text;
    } else if (type === 115 /* s */ && type2 === QUOTE) {
      starts[column] = valueStart;
      ends[column] = valueEnd;
      kinds[column] = CellKind.SharedString;
    } else if (type === 110 /* n */ || type === 100 /* d */) {
      starts[column] = valueStart;
      ends[column] = valueEnd;
      kinds[column] = CellKind.Number;
    } else {
      // str (formula text), e (error), b (boolean)
      const raw = b.toString('utf8', valueStart, valueEnd);
      texts[column] =
        type === 98 ? (raw === '1' ? 'TRUE' : 'FALSE') : stringItemText(`<t>${raw}</t>`);
      kinds[column] = CellKind.Text;
    }
    if (column + 1 > width) width = column + 1;
  }
}

function malformed(): Error {
  return new Error('malformed worksheet XML (a row or cell is not closed)');
}

/** `A` -> 0, `H` -> 7, `AA` -> 26, reading letters from `at` up to the row digits. */
function columnIndex(b: Buffer, at: number): number {
  let n = 0;
  for (let i = at; ; i++) {
    const code = b[i] as number;
    if (code < 65 || code > 90) return n - 1;
    n = n * 26 + (code - 64);
  }
}

import {describe, expect, it} from 'vitest';
import {CellKind, scanSheetRows, type SheetRow} from './sheet-scanner.js';

const XML =
  '<worksheet><dimension ref="A1:D4"/><sheetData>' +
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>caf&#233; &amp; t\u00e9</t></is></c></row>' +
  '<row r="2" spans="1:4"><c r="A2"><v>536365</v></c><c r="C2" s="1" t="n"><v>40513.35138888889</v></c><c r="D2"/></row>' +
  '<row r="3"/>' +
  '<row r="4"><c r="B4" t="str"><f>A2&amp;"x"</f><v>536365x</v></c><c r="AA4" t="b"><v>1</v></c></row>' +
  '</sheetData></worksheet>';

/** Rows as [column, kind, text] triples, read through chunks of `size` bytes. */
async function scan(size: number): Promise<{rows: [number, number, string][][]; lastRow?: number}> {
  const bytes = Buffer.from(XML, 'utf8');
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  const rows: [number, number, string][][] = [];
  let lastRow: number | undefined;
  await scanSheetRows(
    chunks(),
    (row: SheetRow) => {
      const cells: [number, number, string][] = [];
      for (let c = 0; c < row.width; c++) {
        const kind = row.kinds[c] as number;
        if (kind === CellKind.Empty) continue;
        const text =
          kind === CellKind.Text
            ? (row.texts[c] as string)
            : row.bytes.toString('utf8', row.starts[c], row.ends[c]);
        cells.push([c, kind, text]);
      }
      rows.push(cells);
    },
    (n) => (lastRow = n),
  );
  return {rows, ...(lastRow === undefined ? {} : {lastRow})};
}

describe('scanSheetRows', () => {
  it('reads shared, inline, number, formula and boolean cells by column letter', async () => {
    const {rows, lastRow} = await scan(1 << 20);
    expect(lastRow).toBe(4);
    expect(rows).toEqual([
      [
        [0, CellKind.SharedString, '0'],
        [1, CellKind.Text, 'café & té'],
      ],
      [
        [0, CellKind.Number, '536365'],
        [2, CellKind.Number, '40513.35138888889'],
      ],
      [
        [1, CellKind.Text, '536365x'],
        [26, CellKind.Text, 'TRUE'],
      ],
    ]);
  });

  it('gives the same rows whatever the chunk boundaries (streaming)', async () => {
    const whole = await scan(1 << 20);
    for (const size of [1, 2, 3, 7, 64]) expect(await scan(size)).toEqual(whole);
  });

  it('fails on a document cut inside a row', async () => {
    const broken = XML.slice(0, XML.indexOf('<c r="AA4"'));
    async function* one(): AsyncGenerator<Buffer> {
      yield Buffer.from(broken);
    }
    await expect(scanSheetRows(one(), () => undefined)).rejects.toThrow(/malformed worksheet XML/);
  });
});

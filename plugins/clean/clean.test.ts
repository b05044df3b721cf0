import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
  parquetSchema,
  readParquet,
  runStage,
  tempDir,
  writeTransactions,
  type TxRow,
} from '../../test/data-stages/run-stage.js';
import clean from './index.js';
import type {CleanParams} from './params.js';

/** One row per rule; `tag` (in StockCode or Description) says which step should remove it. */
const ROWS: TxRow[] = [
  {InvoiceNo: '536365', StockCode: '22111', Description: 'KEEP ME', Quantity: 2, UnitPrice: 1.5},
  {InvoiceNo: '536366', StockCode: '22112', CustomerID: null},
  {InvoiceNo: '536367', StockCode: '22113', Description: null},
  {InvoiceNo: '536365', StockCode: '22111', Description: 'KEEP ME', Quantity: 2, UnitPrice: 1.5},
  // same key as row 0, other date, price and country: still a duplicate
  {
    InvoiceNo: '536365',
    StockCode: '22111',
    Description: 'KEEP ME',
    Quantity: 2,
    UnitPrice: 9.99,
    InvoiceDate: '2011-05-05 11:11:00',
    Country: 'France',
  },
  {InvoiceNo: 'C536368', StockCode: '22114', Quantity: -1, CustomerID: 12347},
  {InvoiceNo: '536369', StockCode: 'POST', Description: 'POSTAGE'},
  {InvoiceNo: '536369', StockCode: 'C2', Description: 'CARRIAGE'},
  {InvoiceNo: '536369', StockCode: 'BANK CHARGES', Description: 'Bank Charges'},
  {InvoiceNo: '536369', StockCode: '15056BL', Description: 'EDWARDIAN PARASOL BLACK'},
  {InvoiceNo: '536370', StockCode: '23444', Description: 'Next Day Carriage'},
  {InvoiceNo: '536370', StockCode: '23702', Description: 'High Resolution Image'},
  {InvoiceNo: '536370', StockCode: '23445', Description: 'next day carriage'},
  {InvoiceNo: '536371', StockCode: '22115', UnitPrice: 0},
  {InvoiceNo: '536371', StockCode: '22116', UnitPrice: -2},
  // same key as row 0, differing only in date; only in price
  {
    InvoiceNo: '536365',
    StockCode: '22111',
    Description: 'KEEP ME',
    Quantity: 2,
    UnitPrice: 1.5,
    InvoiceDate: '2011-01-03 10:01:00',
  },
  {InvoiceNo: '536365', StockCode: '22111', Description: 'KEEP ME', Quantity: 2, UnitPrice: 1.25},
];

describe('clean', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(async () => {
    ({dir, cleanup} = tempDir());
    await writeTransactions(join(dir, 'raw.parquet'), ROWS);
  });
  afterEach(() => cleanup());

  async function runClean(params: Partial<CleanParams> = {}) {
    const out = join(dir, 'clean.parquet');
    const report = join(dir, 'cleaning.json');
    await runStage(clean, {
      params,
      deps: [join(dir, 'raw.parquet')],
      outs: [out],
      metrics: [report],
    });
    return {
      rows: await readParquet(out),
      report: JSON.parse(readFileSync(report, 'utf8')) as {
        rows_in: number;
        rows_out: number;
        customers: number;
        rows_after: Record<string, number>;
        disabled: string[];
      },
      reportText: readFileSync(report, 'utf8'),
      schema: await parquetSchema(out),
    };
  }

  it('applies the six steps in order and reports the rows after each', async () => {
    const {rows, report, reportText, schema} = await runClean();
    expect(report.rows_after).toEqual({
      '1_drop_missing': 15,
      '2_drop_duplicates': 11,
      '3_mark_status': 11,
      '4_drop_service_codes': 8,
      '5_drop_service_descriptions': 6,
      '6_keep_positive_price': 4,
    });
    expect(report).toMatchObject({rows_in: 17, rows_out: 4, customers: 2, disabled: []});
    // sorted keys, stable text
    expect(Object.keys(JSON.parse(reportText) as object)).toEqual([
      'customers',
      'disabled',
      'rows_after',
      'rows_in',
      'rows_out',
    ]);
    expect(
      rows.map((r) => [r['InvoiceNo'], r['StockCode'], r['Description'], r['Transaction_Status']]),
    ).toEqual([
      ['536365', '22111', 'KEEP ME', 'Completed'],
      ['C536368', '22114', 'WHITE HANGING HEART T-LIGHT HOLDER', 'Cancelled'],
      ['536369', '15056BL', 'EDWARDIAN PARASOL BLACK', 'Completed'],
      ['536370', '23445', 'NEXT DAY CARRIAGE', 'Completed'],
    ]);
    // the first of the duplicates stays, with its own price and date
    expect(rows[0]).toMatchObject({UnitPrice: 1.5, Country: 'United Kingdom'});
    expect(schema.map(([name]) => name)).toEqual([
      'InvoiceNo',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'UnitPrice',
      'CustomerID',
      'Country',
      'Transaction_Status',
    ]);
  });

  it.each([
    ['dropMissing', '1_drop_missing', 6, ['536366', '536367']],
    ['dropDuplicates', '2_drop_duplicates', 8, []],
    ['dropServiceCodes', '4_drop_service_codes', 7, ['POST', 'C2', 'BANK CHARGES']],
    ['dropServiceDescriptions', '5_drop_service_descriptions', 6, ['23444', '23702']],
    ['keepPositivePrice', '6_keep_positive_price', 6, ['22115', '22116']],
  ] as const)('can skip %s', async (param, key, rowsOut, kept) => {
    const {rows, report} = await runClean({[param]: false});
    expect(report.disabled).toEqual([key]);
    expect(report.rows_out).toBe(rowsOut);
    const seen = new Set(rows.flatMap((r) => [r['InvoiceNo'], r['StockCode']]));
    for (const value of kept) expect(seen.has(value)).toBe(true);
  });

  it('can skip the status column and the upper-casing', async () => {
    const {rows, report, schema} = await runClean({markStatus: false, upperCaseDescription: false});
    expect(report.rows_out).toBe(4);
    expect(report.disabled).toEqual(['3_mark_status']);
    expect(schema.map(([name]) => name)).not.toContain('Transaction_Status');
    expect(rows[3]?.['Description']).toBe('next day carriage');
  });

  it('drops a StockCode with fewer than two digits, wherever the digits are', async () => {
    const codes = ['1', 'A1', 'C2Z', 'A1B2', '12', 'X1\n2', 'ÀB٣٤', ''];
    await writeTransactions(
      join(dir, 'raw.parquet'),
      codes.map((code, i) => ({InvoiceNo: String(540000 + i), StockCode: code})),
    );
    const {rows} = await runClean();
    // Digits are 0-9 only: Arabic-Indic digits do not count.
    expect(rows.map((r) => r['StockCode'])).toEqual(['A1B2', '12', 'X1\n2']);
  });

  it('judges steps 4-6 on the first of duplicates, not on a later copy', async () => {
    await writeTransactions(join(dir, 'raw.parquet'), [
      // same key; the first has no price, the copy has one: the first stays at step 2, goes at 6
      {InvoiceNo: '550001', StockCode: '22111', UnitPrice: 0},
      {InvoiceNo: '550001', StockCode: '22111', UnitPrice: 2},
      // the other way round: the first is kept to the end, the copy never counts
      {InvoiceNo: '550002', StockCode: '22112', UnitPrice: 3},
      {InvoiceNo: '550002', StockCode: '22112', UnitPrice: 0},
    ]);
    const {rows, report} = await runClean();
    expect(report.rows_after).toMatchObject({
      '2_drop_duplicates': 2,
      '5_drop_service_descriptions': 2,
      '6_keep_positive_price': 1,
    });
    expect(rows.map((r) => [r['InvoiceNo'], r['UnitPrice']])).toEqual([['550002', 3]]);
  });

  it.each([
    ['no rows at all', []],
    ['no complete row', [{CustomerID: null}, {Description: null}]],
  ] as const)('writes an empty table and a zero report for %s', async (_, input) => {
    await writeTransactions(join(dir, 'raw.parquet'), input);
    const {rows, report, schema} = await runClean();
    expect(rows).toEqual([]);
    expect(report).toMatchObject({rows_out: 0, customers: 0});
    expect(report.rows_in).toBe(input.length);
    expect(Object.values(report.rows_after)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(schema.map(([name]) => name)).toContain('Transaction_Status');
  });

  it('takes the duplicate key and the service descriptions from params', async () => {
    const {rows, report} = await runClean({
      duplicateKey: ['InvoiceNo', 'StockCode', 'UnitPrice'],
      serviceDescriptions: ['EDWARDIAN PARASOL BLACK'],
    });
    // the 9.99 and 1.25 rows differ in price, so they are no longer duplicates
    expect(report.rows_after['2_drop_duplicates']).toBe(13);
    expect(rows.some((r) => r['UnitPrice'] === 1.25)).toBe(true);
    expect(rows.some((r) => r['UnitPrice'] === 9.99)).toBe(true);
    expect(rows.some((r) => r['StockCode'] === '15056BL')).toBe(false);
    expect(rows.some((r) => r['StockCode'] === '23444')).toBe(true);
  });
});

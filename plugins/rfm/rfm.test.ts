import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
  parquetSchema,
  readParquet,
  runStage,
  tempDir,
  writeTransactions,
  type TxRow,
} from '../../test/data-stages/run-stage.js';
import rfm from './index.js';
import {RFM_COLUMNS} from './run-rfm.js';

// 2011-01-03 is a Monday (Day_Of_Week 0).
const ROWS: TxRow[] = [
  // 1: one row
  {
    CustomerID: 1,
    InvoiceNo: '1',
    StockCode: '10001',
    Quantity: 4,
    UnitPrice: 2.5,
    InvoiceDate: '2011-01-03 10:00:00',
  },
  // 2: cancellations only
  {
    CustomerID: 2,
    InvoiceNo: 'C2',
    StockCode: '10002',
    Quantity: -2,
    UnitPrice: 3,
    InvoiceDate: '2011-02-01 12:00:00',
  },
  // 3: ties everywhere (Tue 9h x2 in France, Wed 11h x2 in Germany)
  {
    CustomerID: 3,
    InvoiceNo: '31',
    Quantity: 1,
    InvoiceDate: '2011-01-05 11:00:00',
    Country: 'Germany',
  },
  {
    CustomerID: 3,
    InvoiceNo: '31',
    Quantity: 1,
    InvoiceDate: '2011-01-05 11:00:00',
    Country: 'Germany',
  },
  {
    CustomerID: 3,
    InvoiceNo: '32',
    Quantity: 1,
    InvoiceDate: '2011-01-04 09:00:00',
    Country: 'France',
  },
  {
    CustomerID: 3,
    InvoiceNo: '32',
    Quantity: 1,
    InvoiceDate: '2011-01-04 09:00:00',
    Country: 'France',
  },
  // 4: UK against an alphabetically smaller country: Australia wins the tie
  {CustomerID: 4, InvoiceNo: '41', Country: 'United Kingdom'},
  {CustomerID: 4, InvoiceNo: '42', Country: 'Australia'},
  // 5: UK against a larger one: UK wins the tie
  {CustomerID: 5, InvoiceNo: '51', Country: 'United Kingdom'},
  {CustomerID: 5, InvoiceNo: '52', Country: 'Zimbabwe'},
  // 6: rows out of date order, interleaved with others: file order decides the mean gap
  {CustomerID: 6, InvoiceNo: '61', InvoiceDate: '2011-01-10 23:59:00'},
  {
    CustomerID: 1,
    InvoiceNo: '1',
    StockCode: '10009',
    Quantity: 0,
    UnitPrice: 1,
    InvoiceDate: '2011-01-03 10:00:00',
  },
  {CustomerID: 6, InvoiceNo: '62', InvoiceDate: '2011-01-05 08:00:00'},
  {CustomerID: 6, InvoiceNo: '63', InvoiceDate: '2011-01-20 00:01:00'},
  // 7: a purchase and a bigger cancellation: negative totals; money exact (0.1 * 3)
  {
    CustomerID: 7,
    InvoiceNo: '71',
    StockCode: '20001',
    Quantity: 3,
    UnitPrice: 0.1,
    InvoiceDate: '2011-12-08 23:59:00',
  },
  {
    CustomerID: 7,
    InvoiceNo: 'C72',
    StockCode: '20001',
    Quantity: -9,
    UnitPrice: 0.1,
    InvoiceDate: '2011-12-08 23:59:00',
  },
  {
    CustomerID: 7,
    InvoiceNo: 'C73',
    StockCode: '20002',
    Quantity: -1,
    UnitPrice: 0.1,
    InvoiceDate: '2011-12-08 23:59:00',
  },
  // the latest date of the whole table belongs to someone else
  {CustomerID: 8, InvoiceNo: '81', InvoiceDate: '2011-12-09 00:01:00'},
  // 9: a missing product code and a missing invoice number (possible with those steps of clean
  // switched off) are not counted as a product or a transaction
  {CustomerID: 9, InvoiceNo: '91', StockCode: null},
  {CustomerID: 9, InvoiceNo: '91', StockCode: '30001'},
  {CustomerID: 9, InvoiceNo: null, StockCode: '30001'},
  // 10: nothing but missing codes and invoice numbers still makes a customer row
  {CustomerID: 10, InvoiceNo: null, StockCode: null},
];

describe('rfm', () => {
  const {dir, cleanup} = tempDir();
  let byId: Map<number, Record<string, unknown>>;
  let schema: [string, string][];
  let ids: number[];
  beforeAll(async () => {
    await writeTransactions(join(dir, 'clean.parquet'), ROWS);
    const out = join(dir, 'customers.parquet');
    await runStage(rfm, {deps: [join(dir, 'clean.parquet')], outs: [out]});
    const rows = await readParquet(out);
    ids = rows.map((r) => Number(r['CustomerID']));
    byId = new Map(rows.map((r) => [Number(r['CustomerID']), r]));
    schema = await parquetSchema(out);
  });
  afterAll(() => cleanup());
  const get = (id: number): Record<string, unknown> => byId.get(id) ?? {};

  it('has CustomerID and the 12 columns, one row per customer, ordered by CustomerID', () => {
    expect(schema.map(([n]) => n)).toEqual(['CustomerID', ...RFM_COLUMNS]);
    expect(schema[0]).toEqual(['CustomerID', 'INTEGER']);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('handles a single-row customer', () => {
    expect(get(1)).toMatchObject({
      Days_Since_Last_Purchase: 340,
      Total_Transactions: 1,
      Total_Products_Purchased: 4n,
      Total_Spend: 10,
      Average_Transaction_Value: 10,
      Unique_Products_Purchased: 2,
      Average_Days_Between_Purchases: 0,
      Day_Of_Week: 0,
      Hour: 10,
      Is_UK: 1,
      Cancellation_Frequency: 0,
      Cancellation_Rate: 0,
    });
  });

  it('handles a cancellation-only customer', () => {
    expect(get(2)).toMatchObject({
      Total_Transactions: 1,
      Total_Products_Purchased: -2n,
      Total_Spend: -6,
      Average_Transaction_Value: -6,
      Cancellation_Frequency: 1,
      Cancellation_Rate: 1,
    });
  });

  it('breaks ties of day, hour and country towards the smallest value', () => {
    expect(get(3)).toMatchObject({Day_Of_Week: 1, Hour: 9, Is_UK: 0, Total_Transactions: 2});
    expect(get(4)['Is_UK']).toBe(0);
    expect(get(5)['Is_UK']).toBe(1);
  });

  it('averages the calendar-day gaps between consecutive rows in file order', () => {
    // (Jan 20 - Jan 10) / 2, not (Jan 20 - Jan 5) / 2
    expect(get(6)['Average_Days_Between_Purchases']).toBe(5);
  });

  it('keeps net negative totals, counts cancellation invoices, sums money exactly', () => {
    expect(get(7)).toMatchObject({
      Total_Transactions: 3,
      Total_Products_Purchased: -7n,
      Total_Spend: -0.7,
      Unique_Products_Purchased: 2,
      Cancellation_Frequency: 2,
      Cancellation_Rate: 2 / 3,
      // exact -7/30, correctly rounded (the float -0.7 / 3 is one ulp off)
      Average_Transaction_Value: -7 / 30,
    });
  });

  it('does not count a missing product code or invoice number', () => {
    expect(get(9)).toMatchObject({Unique_Products_Purchased: 1, Total_Transactions: 1});
    expect(get(10)).toMatchObject({Unique_Products_Purchased: 0, Total_Transactions: 0});
  });

  it('measures recency in calendar days from the latest date of the whole table', () => {
    expect(get(7)['Days_Since_Last_Purchase']).toBe(1);
    expect(get(8)['Days_Since_Last_Purchase']).toBe(0);
  });
});

import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
  close,
  parquetSchema,
  readParquet,
  runStage,
  tempDir,
  writeTransactions,
  type TxRow,
} from '../../test/data-stages/run-stage.js';
import seasonality from './index.js';

/** One row of `spend` (quantity 1) in a given month. */
const month = (CustomerID: number, date: string, spend: number): TxRow => ({
  CustomerID,
  InvoiceDate: `${date} 10:00:00`,
  UnitPrice: spend,
  Quantity: 1,
});

const ROWS: TxRow[] = [
  month(1, '2011-03-01', 613.2),
  month(1, '2011-03-20', 0.1),
  month(2, '2011-01-05', 100.1),
  month(2, '2011-02-05', 100.1),
  month(2, '2011-03-05', 100.1),
  month(3, '2011-01-05', 100.3),
  month(3, '2011-02-05', 200.7),
  month(3, '2011-03-05', 100.3),
  // a gap (February) is ignored: x = 0, 1
  month(4, '2011-01-05', 100),
  month(4, '2011-03-05', 300),
  // across the year boundary, rows out of time order
  month(5, '2011-01-05', 20),
  month(5, '2010-12-05', 10),
  month(5, '2011-02-05', 60),
  // a cancellation makes one month negative
  month(6, '2011-01-05', 50),
  {...month(6, '2011-02-05', 80), Quantity: -1, InvoiceNo: 'C9'},
];

describe('seasonality', () => {
  const {dir, cleanup} = tempDir();
  let byId: Map<number, Record<string, number>>;
  beforeAll(async () => {
    await writeTransactions(join(dir, 'clean.parquet'), ROWS);
    const out = join(dir, 'seasonality.parquet');
    await runStage(seasonality, {deps: [join(dir, 'clean.parquet')], outs: [out]});
    expect((await parquetSchema(out)).map(([n, t]) => `${n} ${t}`)).toEqual([
      'CustomerID INTEGER',
      'Monthly_Spending_Mean DOUBLE',
      'Monthly_Spending_Std DOUBLE',
      'Spending_Trend DOUBLE',
    ]);
    const rows = await readParquet(out);
    expect(rows.map((r) => r['CustomerID'])).toEqual([1, 2, 3, 4, 5, 6]);
    byId = new Map(rows.map((r) => [Number(r['CustomerID']), r as Record<string, number>]));
  });
  afterAll(() => cleanup());
  const get = (id: number): Record<string, number> => byId.get(id) ?? {};

  it('gives std and trend 0 for a single month', () => {
    expect(get(1)).toMatchObject({
      Monthly_Spending_Mean: 613.3,
      Monthly_Spending_Std: 0,
      Spending_Trend: 0,
    });
  });

  it('gives an exact 0 trend and std for flat spend, and an exact 0 trend for symmetric spend', () => {
    expect(get(2)).toMatchObject({
      Monthly_Spending_Mean: 100.1,
      Monthly_Spending_Std: 0,
      Spending_Trend: 0,
    });
    expect(get(3)['Spending_Trend']).toBe(0);
    expect(
      close(
        get(3)['Monthly_Spending_Std'] as number,
        Math.sqrt(((100.3 - 133.76666666666668) ** 2 * 2 + (200.7 - 133.76666666666668) ** 2) / 2),
      ),
    ).toBe(true);
  });

  it('ignores gaps between active months', () => {
    expect(get(4)).toMatchObject({Monthly_Spending_Mean: 200, Spending_Trend: 200});
    expect(close(get(4)['Monthly_Spending_Std'] as number, Math.sqrt(20_000))).toBe(true);
  });

  it('orders months in time across the year boundary (sample std, least-squares slope)', () => {
    // y = 10, 20, 60: slope 25, std sqrt(700)
    expect(get(5)['Spending_Trend']).toBe(25);
    expect(close(get(5)['Monthly_Spending_Std'] as number, Math.sqrt(700))).toBe(true);
    expect(close(get(5)['Monthly_Spending_Mean'] as number, 30)).toBe(true);
  });

  it('keeps negative months', () => {
    expect(get(6)).toMatchObject({Monthly_Spending_Mean: -15, Spending_Trend: -130});
  });
});

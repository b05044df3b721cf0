import {createHash} from 'node:crypto';
import {copyFileSync, existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {gzipSync} from 'node:zlib';
import {afterAll, describe, expect, it} from 'vitest';
import {parquetSchema, readParquet, runStage, tempDir} from '../../test/data-stages/run-stage.js';
import download from './index.js';
import type {DownloadParams} from './params.js';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/data');
const {dir, cleanup} = tempDir();
afterAll(() => cleanup());

let runs = 0;
async function fetchTable(params: Partial<DownloadParams>): Promise<Record<string, unknown>[]> {
  const out = join(dir, `out-${runs++}.parquet`);
  await runStage(download, {params, outs: [out], root: dir});
  return readParquet(out);
}

async function failure(params: Partial<DownloadParams>): Promise<{message: string; out: string}> {
  const out = join(dir, `failed-${runs++}.parquet`);
  const error = await runStage(download, {params, outs: [out], root: dir}).then(
    () => new Error('expected the stage to fail'),
    (e: unknown) => e as Error,
  );
  return {message: error.message, out};
}

const md5 = (path: string): string => createHash('md5').update(readFileSync(path)).digest('hex');

/** The rows of tiny-retail.xlsx (see make-xlsx-fixtures.py), as the typed table holds them. */
const EXPECTED = [
  [
    '536365',
    '85123A',
    'WHITE HANGING HEART T-LIGHT HOLDER',
    6,
    '2010-12-01 08:26:00',
    2.55,
    17850,
    'United Kingdom',
  ],
  [
    '536365',
    '71053',
    'WHITE METAL LANTERN',
    6,
    '2010-12-01 08:26:00',
    3.39,
    17850,
    'United Kingdom',
  ],
  ['C536379', 'D', 'Discount', -1, '2010-12-01 09:41:00', 27.5, 14527, 'United Kingdom'],
  ['536414', '22139', null, 56, '2010-12-01 11:52:00', 0, null, 'United Kingdom'],
  [
    '536520',
    '21123',
    'SET/10 IVORY POLKADOT PARTY CANDLES & <CAKE>',
    1,
    '2010-12-01 12:43:00',
    1.25,
    null,
    'United Kingdom',
  ],
  [
    '581587',
    '23256',
    'CHILDRENS CUTLERY SPACEBOY ',
    4,
    '2011-12-09 12:50:00',
    4.15,
    12680,
    'France',
  ],
];

function plain(rows: Record<string, unknown>[]): unknown[][] {
  return rows.map((r) => [
    r['InvoiceNo'],
    r['StockCode'],
    r['Description'],
    r['Quantity'],
    (r['InvoiceDate'] as Date).toISOString().slice(0, 19).replace('T', ' '),
    r['UnitPrice'],
    r['CustomerID'],
    r['Country'],
  ]);
}

const CSV = `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom
536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom
536520,21123,SET/10 IVORY POLKADOT PARTY CANDLES & <CAKE>,1,2010-12-01 12:43:00,1.25,,United Kingdom
581587,23256,CHILDRENS CUTLERY SPACEBOY ,4,2011-12-09 12:50:00,4.15,12680.0,France
`;

describe('download: formats, told apart by content', () => {
  it('reads an .xlsx with shared and inline strings, numeric codes, empty cells and dates', async () => {
    const out = join(dir, 'xlsx.parquet');
    await runStage(download, {params: {url: join(FIXTURES, 'tiny-retail.xlsx')}, outs: [out]});
    expect(plain(await readParquet(out))).toEqual(EXPECTED);
    expect((await parquetSchema(out)).map(([n, t]) => `${n} ${t}`)).toEqual([
      'InvoiceNo VARCHAR',
      'StockCode VARCHAR',
      'Description VARCHAR',
      'Quantity INTEGER',
      'InvoiceDate TIMESTAMP',
      'UnitPrice DOUBLE',
      'CustomerID INTEGER',
      'Country VARCHAR',
    ]);
  });

  it('reads the UCI shape (a zip holding the .xlsx), a path relative to the root', async () => {
    copyFileSync(join(FIXTURES, 'tiny-retail.zip'), join(dir, 'retail.download'));
    expect(plain(await fetchTable({url: 'retail.download'}))).toEqual(EXPECTED);
  });

  it('reads .csv and .csv.gz whatever their names, and .parquet', async () => {
    writeFileSync(join(dir, 'a.txt'), CSV);
    writeFileSync(join(dir, 'b.csv'), gzipSync(CSV));
    expect(plain(await fetchTable({url: 'a.txt'}))).toEqual(EXPECTED);
    expect(plain(await fetchTable({url: `file://${join(dir, 'b.csv')}`}))).toEqual(EXPECTED);
    const parquet = join(dir, 'c.data');
    await runStage(download, {params: {url: 'a.txt'}, outs: [parquet], root: dir});
    expect(plain(await fetchTable({url: 'c.data'}))).toEqual(EXPECTED);
  });

  it('verifies a sha256 pin', async () => {
    const path = join(FIXTURES, 'tiny-retail.xlsx');
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(await fetchTable({url: path, sha256: sha.toUpperCase()})).toHaveLength(6);
    const {message, out} = await failure({url: path, sha256: '0'.repeat(64)});
    expect(message).toContain(`expected sha256 ${'0'.repeat(64)}, got ${sha}`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('download: clear errors, nothing left behind', () => {
  it('names missing or renamed columns', async () => {
    const {message, out} = await failure({url: join(FIXTURES, 'renamed-columns.xlsx')});
    expect(message).toMatch(/missing column CustomerID/);
    expect(message).toMatch(
      /found InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, Customer ID, Country/,
    );
    expect(existsSync(out)).toBe(false);
    writeFileSync(
      join(dir, 'renamed.csv'),
      CSV.replace('UnitPrice', 'Price').replace('Country', 'country'),
    );
    const csv = await failure({url: 'renamed.csv'});
    expect(csv.message).toMatch(/missing columns UnitPrice, Country/);
    expect(csv.message).toMatch(/unexpected: Price, country/);
  });

  it('rejects a truncated zip', async () => {
    const bytes = readFileSync(join(FIXTURES, 'tiny-retail.zip'));
    writeFileSync(join(dir, 'cut.zip'), bytes.subarray(0, bytes.length - 100));
    const {message, out} = await failure({url: 'cut.zip'});
    expect(message).toMatch(/corrupt zip cut\.zip: .*truncated/);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a zip whose data is damaged (CRC or inflate error)', async () => {
    const bytes = Buffer.from(readFileSync(join(FIXTURES, 'tiny-retail.zip')));
    for (let i = 200; i < 260; i++) bytes[i] = (bytes[i] as number) ^ 0x5a;
    writeFileSync(join(dir, 'damaged.zip'), bytes);
    const {message} = await failure({url: 'damaged.zip'});
    expect(message).toMatch(/corrupt zip damaged\.zip/);
  });

  it('rejects an .xlsx without a workbook, a missing file, and binary junk', async () => {
    expect((await failure({url: join(FIXTURES, 'not-a-workbook.xlsx')})).message).toMatch(
      /unreadable \.xlsx .*no workbook part/,
    );
    expect((await failure({url: 'nope.csv'})).message).toMatch(/file nope\.csv not found/);
    writeFileSync(join(dir, 'junk.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 7]));
    expect((await failure({url: 'junk.bin'})).message).toMatch(
      /not a zip, \.xlsx, \.csv, \.csv\.gz or \.parquet/,
    );
  });

  it('rejects unknown sample options', async () => {
    expect((await failure({url: 'sample:?size=3'})).message).toMatch(/unknown option "size"/);
  });
});

describe('download: sample generator', () => {
  it('is deterministic for a seed, sized by rows, and shaped like Online Retail', async () => {
    const a = join(dir, 'sample-a.parquet');
    const b = join(dir, 'sample-b.parquet');
    const c = join(dir, 'sample-c.parquet');
    await runStage(download, {params: {url: 'sample:?rows=6000&seed=7'}, outs: [a], threads: 1});
    await runStage(download, {
      params: {url: 'sample:', sampleRows: 6000, seed: 7},
      outs: [b],
      threads: 2,
    });
    await runStage(download, {params: {url: 'sample:?rows=6000&seed=8'}, outs: [c]});
    expect(md5(a)).toBe(md5(b));
    expect(md5(a)).not.toBe(md5(c));
    const rows = await readParquet(a);
    expect(rows).toHaveLength(6000);
    const share = rows.filter((r) => r['CustomerID'] === null).length / rows.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.3);
    expect(
      rows.some((r) => String(r['InvoiceNo']).startsWith('C') && (r['Quantity'] as number) < 0),
    ).toBe(true);
    expect(rows.some((r) => r['StockCode'] === 'POST')).toBe(true);
    expect(rows.some((r) => r['UnitPrice'] === 0 && r['CustomerID'] !== null)).toBe(true);
    expect(new Set(rows.map((r) => r['Country'])).size).toBeGreaterThan(5);
    const dates = rows.map((r) => (r['InvoiceDate'] as Date).toISOString());
    expect(dates[0]! >= '2010-12-01').toBe(true);
    expect(dates.reduce((m, d) => (d > m ? d : m)) < '2011-12-10').toBe(true);
  });

  it("at the default size, spans the real data's 38 countries with a UK majority of customers", async () => {
    const out = join(dir, 'sample-default.parquet');
    await runStage(download, {params: {url: 'sample:', sampleRows: 40000, seed: 7}, outs: [out]});
    const countryOf = new Map<unknown, unknown>();
    for (const r of await readParquet(out)) {
      if (r['CustomerID'] !== null) countryOf.set(r['CustomerID'], r['Country']);
    }
    const countries = [...countryOf.values()];
    expect(new Set(countries).size).toBe(38);
    const uk = countries.filter((c) => c === 'United Kingdom').length / countries.length;
    expect(uk).toBeGreaterThan(0.8);
    expect(uk).toBeLessThan(0.95);
  });
});

import {execFileSync, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import clean from '../../plugins/clean/index.js';
import download from '../../plugins/download/index.js';
import rfm from '../../plugins/rfm/index.js';
import {RFM_COLUMNS} from '../../plugins/rfm/run-rfm.js';
import seasonality from '../../plugins/seasonality/index.js';
import {SEASONALITY_COLUMNS} from '../../plugins/seasonality/run-seasonality.js';
import {close, query, runStage, tempDir} from './run-stage.js';

const CSV = '/work/shared/data/online-retail.csv.gz';
const ZIP = '/work/shared/data/online+retail.zip';
const PYTHON = '/usr/bin/python3';
const REFERENCE = resolve(import.meta.dirname, '../reference/features_pandas.py');
const hasCsv = existsSync(CSV);
const hasZip = existsSync(ZIP);
const hasPandas =
  hasCsv && existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import pandas']).status === 0;
if (!hasCsv) console.warn(`real-data: ${CSV} is absent; skipping the real-CSV tests.`);
if (!hasZip) console.warn(`real-data: ${ZIP} is absent; skipping the UCI-zip tests.`);
if (hasCsv && !hasPandas)
  console.warn(`real-data: ${PYTHON} lacks pandas; skipping the pandas cross-check.`);

const FEATURES = [...RFM_COLUMNS, ...SEASONALITY_COLUMNS];

/** SEMANTICS.md "Reference figures", in FEATURES order. */
const EXAMPLES: Record<number, number[]> = {
  12346: [325, 2, 0, 0.0, 0.0, 1, 0.0, 1, 10, 1, 1, 0.5, 0.0, 0.0, 0.0],
  12347: [
    2, 7, 2458, 4310.0, 615.7142857142857, 103, 2.016574585635359, 1, 14, 0, 0, 0.0,
    615.7142857142857, 341.07078946836157, 4.486071428571431,
  ],
  12348: [
    75, 4, 2332, 1437.24, 359.31, 21, 10.884615384615385, 3, 19, 0, 0, 0.0, 359.31,
    203.87568859479052, -100.88399999999999,
  ],
  15311: [
    0, 118, 37673, 59284.19, 502.4083898305085, 571, 0.1505853855470327, 1, 13, 1, 27,
    0.2288135593220339, 4560.322307692308, 1942.3275882737266, -86.84505494505493,
  ],
  12603: [21, 1, 56, 613.2, 613.2, 1, 0.0, 4, 10, 0, 0, 0.0, 613.2, 0.0, 0.0],
};
const COUNTS = {
  '1_drop_missing': 406_829,
  '2_drop_duplicates': 401_550,
  '3_mark_status': 401_550,
  '4_drop_service_codes': 399_682,
  '5_drop_service_descriptions': 399_599,
  '6_keep_positive_price': 399_567,
};

const md5 = (path: string): string => createHash('md5').update(readFileSync(path)).digest('hex');

interface Outputs {
  raw: string;
  cleaned: string;
  report: string;
  customers: string;
  seasonality: string;
}

/** download -> clean -> rfm -> seasonality into `dir`, as the flagship pipeline chains them. */
async function runPipeline(url: string, dir: string, threads: number): Promise<Outputs> {
  const o: Outputs = {
    raw: join(dir, 'transactions.parquet'),
    cleaned: join(dir, 'clean.parquet'),
    report: join(dir, 'cleaning.json'),
    customers: join(dir, 'customers.parquet'),
    seasonality: join(dir, 'seasonality.parquet'),
  };
  await runStage(download, {params: {url}, outs: [o.raw], threads});
  await runStage(clean, {deps: [o.raw], outs: [o.cleaned], metrics: [o.report], threads});
  await runStage(rfm, {deps: [o.cleaned], outs: [o.customers], threads});
  await runStage(seasonality, {deps: [o.cleaned], outs: [o.seasonality], threads});
  return o;
}

async function features(o: Outputs): Promise<Map<number, number[]>> {
  const rows = await query(
    `SELECT * FROM read_parquet('${o.customers}') AS c JOIN read_parquet('${o.seasonality}') AS s USING (CustomerID) ORDER BY CustomerID`,
  );
  return new Map(rows.map((r) => [Number(r['CustomerID']), FEATURES.map((f) => Number(r[f]))]));
}

function expectExamples(byId: Map<number, number[]>): void {
  for (const [id, expected] of Object.entries(EXAMPLES)) {
    const actual = byId.get(Number(id));
    expect(actual, `customer ${id}`).toBeDefined();
    const wrong = FEATURES.filter((_, i) => !close(actual?.[i] as number, expected[i] as number));
    expect(
      wrong.map(
        (f) => `${id} ${f}: ${actual?.[FEATURES.indexOf(f)]} vs ${expected[FEATURES.indexOf(f)]}`,
      ),
    ).toEqual([]);
  }
}

function expectReport(path: string): void {
  const report = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  expect(report['rows_after']).toEqual(COUNTS);
  expect(report['rows_in']).toBe(541_909);
  expect(report['customers']).toBe(4_362);
}

describe.skipIf(!hasCsv)('the real Online Retail CSV', () => {
  const {dir, cleanup} = tempDir();
  let outputs: Outputs;
  let byId: Map<number, number[]>;
  beforeAll(async () => {
    outputs = await runPipeline(CSV, dir, 2);
    byId = await features(outputs);
  }, 300_000);
  afterAll(() => cleanup());

  it('removes the documented rows at each step and keeps 4,362 customers', () => {
    expectReport(outputs.report);
    expect(byId.size).toBe(4_362);
  });

  it('reproduces the example customers of SEMANTICS.md', () => {
    expectExamples(byId);
  });

  it('writes byte-identical tables with 1 and 2 threads', async () => {
    const again = tempDir();
    try {
      const one = await runPipeline(CSV, again.dir, 1);
      for (const key of ['raw', 'cleaned', 'report', 'customers', 'seasonality'] as const) {
        expect(md5(one[key]), key).toBe(md5(outputs[key]));
      }
    } finally {
      again.cleanup();
    }
  }, 300_000);

  it.skipIf(!hasPandas)(
    'agrees with the pandas reference on every feature of every customer',
    () => {
      const out = join(dir, 'pandas');
      execFileSync(PYTHON, [REFERENCE, CSV, out], {stdio: 'pipe'});
      const reference = JSON.parse(readFileSync(join(out, 'cleaning.json'), 'utf8')) as Record<
        string,
        number
      >;
      expect(reference).toEqual({...COUNTS, customers: 4_362});
      return query(
        `SELECT * FROM read_csv('${join(out, 'customers.csv')}') AS c JOIN read_csv('${join(out, 'seasonality.csv')}') AS s USING (CustomerID) ORDER BY CustomerID`,
      ).then((rows) => {
        expect(rows).toHaveLength(byId.size);
        const mismatches: string[] = [];
        for (const r of rows) {
          const id = Number(r['CustomerID']);
          const ours = byId.get(id);
          FEATURES.forEach((f, i) => {
            const theirs = Number(r[f]);
            if (!ours || !close(ours[i] as number, theirs))
              mismatches.push(`${id} ${f}: ${ours?.[i]} vs ${theirs}`);
          });
        }
        expect(mismatches.slice(0, 10)).toEqual([]);
      });
    },
    300_000,
  );
});

describe.skipIf(!hasZip)('the UCI zip (.xlsx inside)', () => {
  const {dir, cleanup} = tempDir();
  let outputs: Outputs;
  beforeAll(async () => {
    outputs = await runPipeline(ZIP, dir, 2);
  }, 300_000);
  afterAll(() => cleanup());

  it('gives the same counts and example customers as the CSV', async () => {
    expectReport(outputs.report);
    const byId = await features(outputs);
    expect(byId.size).toBe(4_362);
    expectExamples(byId);
  });

  it.skipIf(!hasCsv)(
    'reads exactly the rows of the CSV, in the same order',
    async () => {
      const csv = tempDir();
      try {
        const raw = join(csv.dir, 'raw.parquet');
        await runStage(download, {params: {url: CSV}, outs: [raw], threads: 2});
        const [diff] = await query(
          `SELECT count(*) AS n FROM (SELECT * FROM read_parquet('${outputs.raw}', file_row_number = true)
           EXCEPT SELECT * FROM read_parquet('${raw}', file_row_number = true))`,
        );
        expect(diff?.['n']).toBe('0');
      } finally {
        csv.cleanup();
      }
    },
    300_000,
  );
});

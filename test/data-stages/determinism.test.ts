import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import clean from '../../plugins/clean/index.js';
import download from '../../plugins/download/index.js';
import rfm from '../../plugins/rfm/index.js';
import seasonality from '../../plugins/seasonality/index.js';
import {query, runStage, tempDir} from './run-stage.js';

const md5 = (path: string): string => createHash('md5').update(readFileSync(path)).digest('hex');

describe('determinism on the default sample (DESIGN.md section 7)', () => {
  const {dir, cleanup} = tempDir();
  afterAll(() => cleanup());

  it('gives byte-identical outputs for each stage with 1 and 2 threads', async () => {
    const digests: Record<string, string>[] = [];
    for (const threads of [1, 2]) {
      const p = (name: string): string => join(dir, `${threads}-${name}`);
      await runStage(download, {params: {url: 'sample:'}, outs: [p('raw.parquet')], threads});
      await runStage(clean, {
        deps: [p('raw.parquet')],
        outs: [p('clean.parquet')],
        metrics: [p('cleaning.json')],
        threads,
      });
      await runStage(rfm, {deps: [p('clean.parquet')], outs: [p('customers.parquet')], threads});
      await runStage(seasonality, {
        deps: [p('clean.parquet')],
        outs: [p('seasonality.parquet')],
        threads,
      });
      const names = [
        'raw.parquet',
        'clean.parquet',
        'cleaning.json',
        'customers.parquet',
        'seasonality.parquet',
      ];
      digests.push(Object.fromEntries(names.map((n) => [n, md5(p(n))])));
    }
    expect(digests[1]).toEqual(digests[0]);

    // and every cleaning step removes rows from the sample
    const report = JSON.parse(readFileSync(join(dir, '1-cleaning.json'), 'utf8')) as {
      rows_in: number;
      rows_after: Record<string, number>;
    };
    const counts = [report.rows_in, ...Object.values(report.rows_after)];
    const removed = counts.slice(1).map((n, i) => (counts[i] as number) - n);
    expect(removed.map((r, i) => (i === 2 ? r === 0 : r > 0))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    const [customers] = await query(
      `SELECT count(*) AS n FROM read_parquet('${join(dir, '1-customers.parquet')}')`,
    );
    expect(Number(customers?.['n'])).toBeGreaterThan(150);
  }, 120_000);
});

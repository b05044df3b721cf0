import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DuckDBInstance} from '@duckdb/node-api';
import type {PluginDefinition} from '../../runner/src/plugin-api/index.js';
import {createStageContext} from '../../runner/src/execution/stage-context.js';

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'data-stage-'): {dir: string; cleanup: () => void} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

export interface StageRun<P> {
  readonly params?: Partial<P>;
  readonly root?: string;
  readonly deps?: readonly string[];
  readonly outs?: readonly string[];
  readonly metrics?: readonly string[];
  readonly threads?: number;
  readonly signal?: AbortSignal;
}

/** Runs a plugin the way the worker does (a real ctx, schema defaults applied), without the runner. */
export async function runStage<P>(
  plugin: PluginDefinition<P>,
  run: StageRun<P>,
): Promise<string[]> {
  const defaults: Record<string, unknown> = {};
  const properties = (plugin.params['properties'] ?? {}) as Record<string, {default?: unknown}>;
  for (const [key, schema] of Object.entries(properties)) {
    if ('default' in schema) defaults[key] = schema.default;
  }
  const scratch = tempDir('stage-tmp-');
  const logs: string[] = [];
  const ctx = createStageContext<P>({
    stage: plugin.name,
    params: {...defaults, ...run.params} as P,
    root: run.root ?? process.cwd(),
    deps: run.deps ?? [],
    outs: run.outs ?? [],
    metrics: run.metrics ?? [],
    plots: [],
    tmpdir: scratch.dir,
    threads: run.threads ?? 1,
    signal: run.signal ?? new AbortController().signal,
    onLog: (level, message, data) => logs.push(`${level} ${message} ${JSON.stringify(data ?? {})}`),
  });
  try {
    await plugin.run(ctx);
  } finally {
    await ctx.close();
    scratch.cleanup();
  }
  return logs;
}

/** A raw transaction as tests write it; omitted fields get harmless defaults. */
export interface TxRow {
  InvoiceNo?: string | null;
  StockCode?: string | null;
  Description?: string | null;
  Quantity?: number;
  InvoiceDate?: string;
  UnitPrice?: number;
  CustomerID?: number | null;
  Country?: string;
}

/** Writes rows, in this order, as a typed transactions Parquet (the schema `download` writes). */
export async function writeTransactions(path: string, rows: readonly TxRow[]): Promise<void> {
  const lit = (v: string | null | undefined): string =>
    v === null || v === undefined ? 'NULL' : `'${v.replaceAll("'", "''")}'`;
  const values = rows.map((r) =>
    [
      lit(r.InvoiceNo === undefined ? '536365' : r.InvoiceNo),
      lit(r.StockCode === undefined ? '85123A' : r.StockCode),
      lit(r.Description === undefined ? 'WHITE HANGING HEART T-LIGHT HOLDER' : r.Description),
      String(r.Quantity ?? 1),
      `TIMESTAMP ${lit(r.InvoiceDate ?? '2011-01-03 10:00:00')}`,
      String(r.UnitPrice ?? 1),
      r.CustomerID === undefined ? '12346' : r.CustomerID === null ? 'NULL' : String(r.CustomerID),
      lit(r.Country ?? 'United Kingdom'),
    ].join(', '),
  );
  await withDuckDb(async (db) => {
    await db.run(
      'CREATE TABLE t (InvoiceNo VARCHAR, StockCode VARCHAR, Description VARCHAR, Quantity INTEGER, InvoiceDate TIMESTAMP, UnitPrice DOUBLE, CustomerID INTEGER, Country VARCHAR)',
    );
    if (values.length > 0) await db.run(`INSERT INTO t VALUES (${values.join('), (')})`);
    await db.run(`COPY t TO '${path}' (FORMAT parquet)`);
  });
}

/** All rows of a Parquet file in file order, as plain JS values (BIGINT as bigint). */
export async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (db) => {
    const reader = await db.runAndReadAll(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${path}', file_row_number = true) ORDER BY file_row_number`,
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  });
}

/** Runs one SQL query on a fresh in-memory DuckDB; rows as JSON-safe objects (BIGINT as string). */
export async function query(sql: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (db) => {
    const reader = await db.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  });
}

/** Column names and types of a Parquet file. */
export async function parquetSchema(path: string): Promise<[string, string][]> {
  return withDuckDb(async (db) => {
    const reader = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    return reader
      .getRowObjectsJson()
      .map((r) => [String(r['column_name']), String(r['column_type'])]);
  });
}

async function withDuckDb<T>(
  fn: (db: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', {threads: '1'});
  const db = await instance.connect();
  try {
    return await fn(db);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** SEMANTICS.md tolerance: |a - b| <= 1e-9 * max(1, |a|, |b|). */
export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

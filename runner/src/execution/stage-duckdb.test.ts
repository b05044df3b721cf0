import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {testTmp} from '../../../test/support/temp-dirs.js';
import {openStageDuckDb, stageDuckDbCounts, type StageDuckDbSettings} from './stage-duckdb.js';

const tmp = testTmp();
let stageNumber = 0;

function settings(extra: Partial<StageDuckDbSettings> = {}): StageDuckDbSettings {
  const tempDirectory = join(tmp, `stage-${++stageNumber}`);
  mkdirSync(tempDirectory, {recursive: true});
  return {threads: 2, tempDirectory, ...extra};
}

/** Runs `body` as one stage on its own connection and returns what it returned. */
async function stage<T>(
  body: (run: (sql: string) => Promise<unknown[][]>) => Promise<T>,
  extra: Partial<StageDuckDbSettings> = {},
): Promise<T> {
  const db = await openStageDuckDb(settings(extra));
  try {
    return await body(async (sql) => (await db.connection.runAndReadAll(sql)).getRowsJson());
  } finally {
    await db.release();
  }
}

const value = async (run: (sql: string) => Promise<unknown[][]>, sql: string): Promise<unknown> =>
  (await run(sql))[0]?.[0];

describe('a stage DuckDB handed on to the next stage', () => {
  it('is reused, and the next stage sees none of what the last one created', async () => {
    const file = join(tmp, 'cached.parquet');
    const cached = await stage(async (run) => {
      await run(`COPY (SELECT range AS x FROM range(1000)) TO '${file}' (FORMAT parquet)`);
      await run(`SELECT sum(x) FROM read_parquet('${file}')`);
      await run('CREATE TABLE kept_table AS SELECT 1 AS x');
      await run('CREATE MACRO kept_macro(a) AS a + 1');
      await run(`CREATE TYPE kept_type AS ENUM ('a', 'b')`);
      await run('CREATE SEQUENCE kept_sequence');
      await run('CREATE SCHEMA kept_schema');
      await run('CREATE VIEW kept_view AS SELECT 1');
      await run('CREATE TEMP TABLE kept_temp AS SELECT 1');
      await run('SET VARIABLE kept_variable = 1');
      return value(run, 'SELECT count(*) FROM duckdb_external_file_cache()');
    });
    expect(Number(cached)).toBeGreaterThan(0);
    const before = stageDuckDbCounts();
    const seen = await stage(async (run) => ({
      database: await value(run, 'SELECT current_database()'),
      tables: await value(run, 'SELECT count(*) FROM duckdb_tables()'),
      views: await value(run, 'SELECT count(*) FROM duckdb_views() WHERE NOT internal'),
      macros: await value(run, 'SELECT count(*) FROM duckdb_functions() WHERE NOT internal'),
      types: await value(run, 'SELECT count(*) FROM duckdb_types() WHERE NOT internal'),
      sequences: await value(run, 'SELECT count(*) FROM duckdb_sequences()'),
      schemas: await value(run, 'SELECT count(*) FROM duckdb_schemas() WHERE NOT internal'),
      variable: await value(run, `SELECT getvariable('kept_variable')`),
      cachedFileRanges: await value(run, 'SELECT count(*) FROM duckdb_external_file_cache()'),
    }));
    expect(stageDuckDbCounts().reused).toBe(before.reused + 1);
    expect(seen).toEqual({
      database: 'memory',
      tables: '0',
      views: '0',
      macros: '0',
      types: '0',
      sequences: '0',
      schemas: '0',
      variable: null,
      cachedFileRanges: '0',
    });
  });

  it('gives each stage its own threads, memory limit and spill folder', async () => {
    await stage(
      async (run) => {
        await run(`SET memory_limit = '300MB'`);
        await run(`SET write_buffer_row_group_memory_limit = '10MB'`);
      },
      {threads: 1, memoryMb: 512},
    );
    const before = stageDuckDbCounts();
    const extra = {threads: 1, memoryMb: 700};
    const own = settings(extra);
    const db = await openStageDuckDb(own);
    try {
      const read = async (name: string): Promise<unknown> =>
        (
          await db.connection.runAndReadAll(
            `SELECT value FROM duckdb_settings() WHERE name = '${name}'`,
          )
        ).getRowsJson()[0]?.[0];
      expect(stageDuckDbCounts().reused).toBe(before.reused + 1);
      expect(await read('threads')).toBe('1');
      expect(await read('memory_limit')).toBe('667.5 MiB'); // 700 MB
      expect(await read('temp_directory')).toBe(own.tempDirectory);
      // derived from the memory limit again, not the 10 MB the last stage set
      expect(await read('write_buffer_row_group_memory_limit')).not.toBe('9.5 MiB');
    } finally {
      await db.release();
    }
  });

  it('is closed, not handed on, when a stage changed a global setting', async () => {
    await stage(async (run) => run('SET preserve_insertion_order = false'));
    const before = stageDuckDbCounts();
    const order = await stage((run) =>
      value(run, `SELECT current_setting('preserve_insertion_order')`),
    );
    expect(order).toBe(true);
    expect(stageDuckDbCounts()).toEqual({created: before.created + 1, reused: before.reused});
  });

  it('is closed when a stage left a secret or an attached database', async () => {
    await stage((run) => run(`CREATE SECRET kept_secret (TYPE http, BEARER_TOKEN 'x')`));
    let before = stageDuckDbCounts();
    expect(await stage((run) => value(run, 'SELECT count(*) FROM duckdb_secrets()'))).toBe('0');
    expect(stageDuckDbCounts().created).toBe(before.created + 1);

    await stage((run) => run(`ATTACH ':memory:' AS kept_database`));
    before = stageDuckDbCounts();
    const databases = await stage(async (run) =>
      (await run('SELECT database_name FROM duckdb_databases() ORDER BY 1')).flat(),
    );
    expect(databases).toEqual(['memory', 'system', 'temp']);
    expect(stageDuckDbCounts().created).toBe(before.created + 1);
  });

  it('starts afresh after a stage spilled to its own folder', async () => {
    const spilled = await stage(async (run) => {
      await run(`SET memory_limit = '32MB'`);
      await run(
        `CREATE TEMP TABLE spill AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(1000000) ORDER BY s`,
      );
      return value(run, 'SELECT count(*) FROM duckdb_temporary_files()');
    });
    expect(Number(spilled)).toBeGreaterThan(0);
    const before = stageDuckDbCounts();
    expect(await stage((run) => value(run, 'SELECT 42'))).toBe(42);
    expect(stageDuckDbCounts().created).toBe(before.created + 1);
  });

  it('reads a file rewritten between stages afresh, even with the same size and time', async () => {
    // Rewritten by another process (as the runner moves a stage's output into place).
    const versions = [1, 2].map((x) => join(tmp, `version-${x}.parquet`));
    await stage(async (run) => {
      for (const [i, path] of versions.entries()) {
        await run(`COPY (SELECT ${i + 1} AS x) TO '${path}' (FORMAT parquet)`);
      }
    });
    const file = join(tmp, 'rewritten.parquet');
    const read = `SELECT x FROM read_parquet('${file}')`;
    copyFileSync(versions[0] ?? '', file);
    const {mtimeNs, size} = statSync(file, {bigint: true});
    expect(await stage((run) => value(run, read))).toBe(1);
    copyFileSync(versions[1] ?? '', file);
    // To the nanosecond, which node's utimes cannot set.
    const seconds = `${mtimeNs / 1_000_000_000n}.${String(mtimeNs % 1_000_000_000n).padStart(9, '0')}`;
    execFileSync('touch', ['-m', '-d', `@${seconds}`, file]);
    expect(statSync(file, {bigint: true})).toMatchObject({mtimeNs, size});
    const before = stageDuckDbCounts();
    expect(await stage((run) => value(run, read))).toBe(2);
    expect(stageDuckDbCounts().reused).toBe(before.reused + 1);
  });
});

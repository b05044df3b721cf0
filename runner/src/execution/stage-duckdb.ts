import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api';
import {duckDbModule} from '../util/duckdb-module.js';

/** What a stage's DuckDB is given: its share of the cores and memory, and where it spills. */
export interface StageDuckDbSettings {
  readonly threads: number;
  /** DuckDB's memory_limit in MB; DuckDB's own default (80% of RAM) when absent. */
  readonly memoryMb?: number;
  readonly tempDirectory: string;
}

/** A stage's connection; `release` hands its instance on to the next stage or closes it. */
export interface StageDuckDb {
  readonly connection: DuckDBConnection;
  release(): Promise<void>;
}

/**
 * Settings given anew to every stage (`worker_threads` and `max_memory` are other names of two of
 * them, and the row-group write buffer is derived from the memory limit unless set): they differ
 * from stage to stage by design, so they are left out of the comparison with a fresh instance.
 */
const STAGE_SETTINGS = [
  'threads',
  'worker_threads',
  'memory_limit',
  'max_memory',
  'write_buffer_row_group_memory_limit',
  'temp_directory',
];

/**
 * Everything of an instance that outlives a connection and that a stage could change: global
 * settings, attached databases, loaded extensions and secrets. The catalog is not in it: it is
 * replaced between stages instead (listing user macros alone takes ~25 ms).
 */
const STATE_SQL = `SELECT
  (SELECT string_agg(name || '=' || coalesce(value, ''), chr(10) ORDER BY name)
     FROM duckdb_settings() WHERE name NOT IN (${STAGE_SETTINGS.map((s) => `'${s}'`).join(', ')})),
  (SELECT string_agg(database_name, ',' ORDER BY database_name) FROM duckdb_databases()),
  (SELECT string_agg(extension_name, ',' ORDER BY extension_name) FROM duckdb_extensions() WHERE loaded),
  (SELECT count(*) FROM duckdb_secrets())`;

/**
 * Empties what the previous stage may have left that STATE_SQL does not cover: the default
 * database (tables, views, macros, types, sequences, schemas) is swapped for a new empty one of the
 * same name, and the cache of file contents is dropped, since a file may be rewritten between
 * stages within the resolution of its modification time.
 */
const RESET_SQL = [
  `ATTACH ':memory:' AS runner_stage_swap`,
  'USE runner_stage_swap',
  'DETACH memory',
  `ATTACH ':memory:' AS memory`,
  'USE memory',
  'DETACH runner_stage_swap',
  'SET enable_external_file_cache = false',
  'SET enable_external_file_cache = true',
];

/** A fresh instance's state (the same in every instance of a process), read once. */
let freshState: Promise<string | undefined> | undefined;
/** The instance the last stage released in a clean state, waiting for the next stage. */
let kept: DuckDBInstance | undefined;
const counts = {created: 0, reused: 0};

/** How many instances this process created and how many times it handed one on (for tests). */
export function stageDuckDbCounts(): {readonly created: number; readonly reused: number} {
  return {...counts};
}

/**
 * Opens the DuckDB connection of one stage. A process that runs stages one after another (a
 * plugin worker) hands the instance of one stage on to the next: creating one costs a stage
 * ~14 ms, and clean + rfm + seasonality after download took 509 instead of 541 ms (medians of 16
 * side-by-side runs on the real data). The next stage cannot tell: its connection is new
 * (temporary tables, variables and session settings go with the old one), the catalog and the
 * file cache are emptied, its own settings are applied, and an instance whose global state a
 * stage changed is closed rather than handed on.
 */
export async function openStageDuckDb(settings: StageDuckDbSettings): Promise<StageDuckDb> {
  const reusable = kept;
  kept = undefined;
  if (reusable) {
    const connection = await reuse(reusable, settings);
    if (connection) {
      counts.reused++;
      return lease(reusable, connection);
    }
  }
  const {DuckDBInstance} = duckDbModule();
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(Math.max(1, settings.threads)),
    temp_directory: settings.tempDirectory,
    ...(settings.memoryMb ? {memory_limit: memoryLimit(settings.memoryMb)} : {}),
  });
  counts.created++;
  // Read before any stage runs on it, so the reference is a fresh instance's.
  freshState ??= readState(instance);
  await freshState;
  return lease(instance, await instance.connect());
}

function memoryLimit(mb: number): string {
  return `${Math.max(256, Math.floor(mb))}MB`;
}

/** A connection on a kept instance with this stage's settings, or undefined to start afresh. */
async function reuse(
  instance: DuckDBInstance,
  settings: StageDuckDbSettings,
): Promise<DuckDBConnection | undefined> {
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await connection.run(`SET threads = ${Math.max(1, settings.threads)}`);
    await connection.run(
      settings.memoryMb
        ? `SET memory_limit = '${memoryLimit(settings.memoryMb)}'`
        : 'RESET memory_limit',
    );
    // Derived from memory_limit unless a stage set it.
    await connection.run('RESET write_buffer_row_group_memory_limit');
    // Refused once the previous stage has spilled to its own folder.
    await connection.run(`SET temp_directory = '${settings.tempDirectory.replaceAll("'", "''")}'`);
    return connection;
  } catch {
    connection?.closeSync();
    instance.closeSync();
    return undefined;
  }
}

function lease(instance: DuckDBInstance, connection: DuckDBConnection): StageDuckDb {
  let released = false;
  return {
    connection,
    async release() {
      if (released) return;
      released = true;
      connection.closeSync();
      if (kept === undefined && (await resetToFresh(instance))) kept = instance;
      else instance.closeSync();
    },
  };
}

/** Empties the instance and tells whether it is now as a fresh one would be. */
async function resetToFresh(instance: DuckDBInstance): Promise<boolean> {
  const emptied = await onOwnConnection(instance, async (connection) => {
    for (const sql of RESET_SQL) await connection.run(sql);
    return true;
  });
  // Read on a new connection: `USE` above changed the search path of that one only.
  const fresh = await freshState;
  return emptied === true && fresh !== undefined && (await readState(instance)) === fresh;
}

/** Undefined when it cannot be read: then no instance is handed on. */
function readState(instance: DuckDBInstance): Promise<string | undefined> {
  return onOwnConnection(instance, async (connection) =>
    JSON.stringify((await connection.runAndReadAll(STATE_SQL)).getRowsJson()),
  );
}

/** `body` on a connection of its own, closed after; undefined if anything fails. */
async function onOwnConnection<T>(
  instance: DuckDBInstance,
  body: (connection: DuckDBConnection) => Promise<T>,
): Promise<T | undefined> {
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    return await body(connection);
  } catch {
    return undefined;
  } finally {
    connection?.closeSync();
  }
}

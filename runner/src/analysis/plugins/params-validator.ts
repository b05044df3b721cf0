import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, renameSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import type {Ajv as AjvInstance, ErrorObject} from 'ajv';
import type {JsonSchema} from '../../plugin-api/define-plugin.js';
import {importRuntimeHelpers} from '../../schema/standalone-esm.js';

/** A compiled params validator, as ajv (or its standalone code) makes it. */
export interface ParamsValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Bump when the options below change, so cached validators are rebuilt. */
const OPTIONS_VERSION = 'allErrors+useDefaults/2';

let ajv: Promise<AjvInstance> | undefined;
const memory = new Map<string, Promise<Entry>>();

/** ajv is loaded only when a validator is not cached yet: a no-op run never compiles a schema. */
function getAjv(): Promise<AjvInstance> {
  ajv ??= import('ajv').then(
    ({Ajv}) =>
      new Ajv({
        allErrors: true,
        useDefaults: true,
        strict: false,
        logger: false,
        code: {source: true, esm: true},
      }),
  );
  return ajv;
}

/** Standalone code as an ES module importing ajv's helpers by absolute URL, valid anywhere. */
function toEsm(code: string): string {
  const require = createRequire(import.meta.url);
  return importRuntimeHelpers(code, (helper) => pathToFileURL(require.resolve(helper)).href);
}

interface Entry {
  readonly validate: ParamsValidator | string;
  /** True when compiled here (not imported from the cache), so it can be written to it. */
  readonly compiled: boolean;
}

/**
 * Validators of the built-in plugins' params, written at build time (`npm run build`) by
 * ship-validators.ts, so that even a project's first run compiles no schema.
 */
export const SHIPPED_VALIDATORS = fileURLToPath(
  new URL('../../../../validators/', import.meta.url),
);

async function load(schema: JsonSchema, key: string, file: string | undefined): Promise<Entry> {
  for (const candidate of [path.join(SHIPPED_VALIDATORS, `${key}.mjs`), file]) {
    if (candidate === undefined || !existsSync(candidate)) continue;
    try {
      const module = (await import(pathToFileURL(candidate).href)) as {default?: unknown};
      if (typeof module.default === 'function') {
        return {validate: module.default as ParamsValidator, compiled: false};
      }
    } catch {
      // A stale or damaged cache entry: compile again below and overwrite it.
    }
  }
  const instance = await getAjv();
  try {
    return {validate: instance.compile(schema), compiled: true};
  } catch (error) {
    return {validate: error instanceof Error ? error.message : String(error), compiled: true};
  }
}

/** Writes ajv's standalone code of a validator it compiled; failures only cost time later. */
async function store(validate: ParamsValidator, file: string): Promise<void> {
  try {
    await writeStandalone(validate, file);
  } catch {
    // The cache only saves time; validation already works without it.
  }
}

async function writeStandalone(validate: ParamsValidator, file: string): Promise<void> {
  const instance = await getAjv();
  const {default: standalone} = await import('ajv/dist/standalone/index.js');
  const generate = standalone as unknown as typeof standalone.default;
  const code = toEsm(generate(instance, validate as Parameters<typeof generate>[1]));
  mkdirSync(path.dirname(file), {recursive: true});
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, file);
}

/** Compiles a params schema and writes its standalone validator into `dir`, named by its key. */
export async function shipValidator(schema: JsonSchema, dir: string): Promise<string> {
  const instance = await getAjv();
  const file = path.join(dir, `${cacheKey(schema)}.mjs`);
  await writeStandalone(instance.compile(schema), file);
  return file;
}

const stored = new Set<string>();

/** The name of a schema's cached validator: its content hash (exported for tests). */
export function cacheKey(schema: JsonSchema): string {
  return createHash('sha256')
    .update(`${OPTIONS_VERSION}\0${JSON.stringify(schema)}`)
    .digest('hex');
}

/**
 * The validator of a plugin's params schema, compiled once per process and cached as ajv
 * standalone code under `cacheDir` (keyed by the schema's content), so later runs import it
 * instead of loading ajv and compiling. Returns a message when the schema itself is invalid.
 */
export async function paramsValidator(
  schema: JsonSchema,
  cacheDir: string | undefined,
): Promise<ParamsValidator | string> {
  if (typeof schema !== 'object' || schema === null) return 'params must be a JSON Schema object';
  const key = cacheKey(schema);
  const file = cacheDir === undefined ? undefined : path.join(cacheDir, `${key}.mjs`);
  const memoryKey = `${key}\0${file === undefined ? 'compiled' : 'cached'}`;
  let entry = memory.get(memoryKey);
  if (!entry) {
    entry = load(schema, key, file);
    memory.set(memoryKey, entry);
  }
  const {validate, compiled} = await entry;
  if (file !== undefined && compiled && typeof validate === 'function' && !stored.has(file)) {
    stored.add(file);
    // Compiled here means the entry was missing or unusable: (re)write it.
    await store(validate, file);
  }
  return validate;
}

import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {runnerPackage} from '../config/package-root.js';

/** Where the generated schema is committed, relative to the package root. */
export const LOCK_SCHEMA_FILE = 'schemas/lock.schema.json';

const md5 = {type: 'string', pattern: '^[0-9a-f]{32}(\\.dir)?$'};
const count = {type: 'integer', minimum: 0};

const lockPath = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'md5', 'size'],
  properties: {
    path: {type: 'string', minLength: 1, description: 'POSIX path relative to the project root'},
    md5: {...md5, description: 'md5 of the file, or `<md5 of the manifest>.dir` for a folder'},
    size: {...count, description: 'bytes (a folder: the sum of its files)'},
    nfiles: {...count, description: 'number of files, for a folder'},
  },
} as const;

/**
 * JSON Schema of pipeline.lock (the YAML parsed to JSON). readLock() checks the same rules by
 * hand, faster and with line numbers; a test validates serialized locks against this schema.
 */
export const lockSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://pipeline-runner.dev/schemas/lock.schema.json',
  title: 'pipeline.lock: what each stage last ran with and produced (written by the runner)',
  type: 'object',
  additionalProperties: false,
  required: ['schema'],
  properties: {
    schema: {const: 1},
    stages: {
      type: 'object',
      description: 'by stage name (`name` or `name@key`), sorted',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'fingerprint'],
        properties: {
          kind: {
            oneOf: [
              {
                type: 'object',
                additionalProperties: false,
                required: ['cmd'],
                properties: {cmd: {type: 'array', items: {type: 'string'}}},
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['plugin', 'version', 'codeHash'],
                properties: {
                  plugin: {type: 'string'},
                  version: {type: 'string'},
                  codeHash: {type: 'string'},
                },
              },
            ],
          },
          params: {
            type: 'object',
            description: 'params file -> key -> value used',
            additionalProperties: {type: 'object'},
          },
          with: {type: 'object', description: "the plugin's resolved `with:`"},
          deps: {type: 'array', items: lockPath},
          outs: {type: 'array', items: lockPath},
          fingerprint: {type: 'string', pattern: '^[0-9a-f]{64}$'},
        },
      },
    },
  },
} as const;

export function generateLockSchemaJson(): string {
  return JSON.stringify(lockSchema, null, 2) + '\n';
}

// Regenerate with: npm run build && node dist/runner/src/lock/lock-schema.js
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(path.join(runnerPackage().root, LOCK_SCHEMA_FILE), generateLockSchemaJson());
}

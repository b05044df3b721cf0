import {writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {runnerPackage} from '../../config/package-root.js';
import {predictRequestSchema} from './predict-request.js';
import {predictResponseSchema} from './predict-response.js';

/** A generated schema file: path relative to the project root, and its exact text. */
export interface GeneratedSchemaFile {
  readonly path: string;
  readonly text: string;
}

/** The server's JSON Schemas as committed under schemas/ (a test fails when they drift). */
export function renderServerSchemas(): GeneratedSchemaFile[] {
  return [
    {path: 'schemas/predict-request.schema.json', text: render(predictRequestSchema())},
    {path: 'schemas/predict-response.schema.json', text: render(predictResponseSchema())},
  ];
}

/** Writes {@link renderServerSchemas} under the project root. */
export function writeServerSchemas(root = runnerPackage().root): void {
  for (const file of renderServerSchemas()) writeFileSync(join(root, file.path), file.text);
}

function render(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

// `node dist/runner/src/server/schemas/render-server-schemas.js` regenerates the files.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeServerSchemas();
}

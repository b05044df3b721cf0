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

function render(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {runnerPackage} from '../config/package-root.js';
import {
  GENERATED_FILES,
  generatePipelineSchemaJson,
  generateModelValidatorModule,
  generateValidatorsModule,
} from './generate-schemas.js';

// If this fails, run: npm run build && node dist/runner/src/schema/generate-schemas.js
describe('generated schema files are up to date with their sources', () => {
  const root = runnerPackage().root;
  test('schemas/pipeline.schema.json', () => {
    const committed = readFileSync(path.join(root, GENERATED_FILES.schemaJson), 'utf8');
    expect(committed).toBe(generatePipelineSchemaJson());
  });
  test('precompiled validators', async () => {
    const committed = readFileSync(path.join(root, GENERATED_FILES.validators), 'utf8');
    expect(committed).toBe(await generateValidatorsModule());
  });
  test('precompiled model.json validator', async () => {
    const committed = readFileSync(path.join(root, GENERATED_FILES.modelValidator), 'utf8');
    expect(committed).toBe(await generateModelValidatorModule());
  });
});

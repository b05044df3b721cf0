import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv} from 'ajv';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {analyzePipeline} from '../analysis/analyze.js';
import {renderDvcYaml} from './dvc.js';

// The committed dvc.yaml must be exactly what `runner export dvc` makes of pipeline.yaml, and
// valid for DVC. After changing pipeline.yaml, run `runner export dvc` (or this test with
// UPDATE_DVC_YAML=1) and commit dvc.yaml.
const root = join(import.meta.dirname, '../../..');
const pipelineFile = join(root, 'pipeline.yaml');
const dvcFile = join(root, 'dvc.yaml');
const schemaFile = join(root, 'test/fixtures/dvc/dvc.yaml.schema.json');

describe.skipIf(!existsSync(pipelineFile))('committed dvc.yaml', () => {
  it('is what runner export dvc makes of pipeline.yaml', async () => {
    const plan = await analyzePipeline({file: pipelineFile, set: []});
    if (!plan.ok) throw new Error(plan.error.map((d) => d.message).join('\n'));
    const expected = renderDvcYaml(plan.value);
    if (process.env['UPDATE_DVC_YAML'] === '1') writeFileSync(dvcFile, expected);
    const committed = existsSync(dvcFile) ? readFileSync(dvcFile, 'utf8') : '(missing)';
    expect(committed, 'dvc.yaml is out of date: run `runner export dvc` and commit it').toBe(
      expected,
    );
  });

  it("is valid against DVC's published schema", () => {
    const validate = new Ajv({allErrors: true, strict: false}).compile(
      JSON.parse(readFileSync(schemaFile, 'utf8')) as object,
    );
    const valid = validate(parse(readFileSync(dvcFile, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });
});

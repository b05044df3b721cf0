import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';

// Which packages a process loaded can only be seen from a fresh process, so this runs the
// compiled loadPlan (as the CLI does) in a child node.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const compiled = path.join(repo, 'dist', 'runner', 'src', 'cli', 'load-plan.js');
const built = existsSync(compiled);
if (!built) console.warn(`Skipping load-plan import checks: ${compiled} is missing (build first).`);

const PROBE = `
import {createRequire} from 'node:module';
const {loadPlan} = await import(process.argv[1]);
const plan = await loadPlan(process.argv[2], undefined, []);
const loaded = Object.keys(createRequire(import.meta.url).cache);
const has = (name) => loaded.some((file) => file.includes('/node_modules/' + name + '/'));
console.log(JSON.stringify({order: plan.order, yaml: has('yaml'), ajv: has('ajv')}));
`;

function probe(dir: string): {order: string[]; yaml: boolean; ajv: boolean} {
  const output = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', PROBE, compiled, dir],
    {encoding: 'utf8'},
  );
  return JSON.parse(output) as {order: string[]; yaml: boolean; ajv: boolean};
}

describe.skipIf(!built)('loadPlan with the plan cache', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'runner-load-plan-'));
    writeFileSync(
      path.join(dir, 'pipeline.yaml'),
      `stages:
  make:
    cmd: echo \${size} > a.txt
    outs: [a.txt]
  use:
    uses: ./plugins/use
    with: {n: 2}
    deps: [a.txt]
    outs: [b.txt]
`,
    );
    writeFileSync(path.join(dir, 'params.yaml'), 'size: 3\n');
    mkdirSync(path.join(dir, 'plugins', 'use'), {recursive: true});
    writeFileSync(
      path.join(dir, 'plugins', 'use', 'index.js'),
      `export default {name: 'use', version: '1.0.0', description: 'x',
  params: {type: 'object', properties: {n: {type: 'integer'}}, additionalProperties: false},
  run() {}};
`,
    );
  });
  afterAll(() => rmSync(dir, {recursive: true, force: true}));

  test('a miss parses YAML and compiles validators; a hit loads neither yaml nor ajv', () => {
    const miss = probe(dir);
    expect(miss).toEqual({order: ['make', 'use'], yaml: true, ajv: true});
    const hit = probe(dir);
    expect(hit).toEqual({order: ['make', 'use'], yaml: false, ajv: false});
    writeFileSync(path.join(dir, 'params.yaml'), 'size: 4\n');
    expect(probe(dir).yaml).toBe(true);
  });
});

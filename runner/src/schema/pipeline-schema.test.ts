import {readFileSync} from 'node:fs';
import path from 'node:path';
import {Ajv} from 'ajv';
import {parse} from 'yaml';
import {describe, expect, test} from 'vitest';
import {runnerPackage} from '../config/package-root.js';

// What an editor does with the `# yaml-language-server: $schema=...` comment: validate the
// file against schemas/pipeline.schema.json with a standard validator.
describe('schemas/pipeline.schema.json', () => {
  const root = runnerPackage().root;
  const schema = JSON.parse(
    readFileSync(path.join(root, 'schemas', 'pipeline.schema.json'), 'utf8'),
  );
  const validate = new Ajv({allErrors: true, strict: false}).compile(schema);

  test('accepts a pipeline with every stage feature', () => {
    const pipeline = parse(`
remotes: {local: {url: .runner/remote}}
default_remote: local
params: [params.yaml]
vars: [config.yaml, {x: 1}]
stages:
  a:
    cmd: [echo a, echo b]
    wdir: sub
    deps: [x]
    outs: [y, {z: {cache: false, persist: true}}]
    metrics: [m.json]
    plots: [{p.csv: {x: k, y: v}}]
    params: [train, {other.yaml: [k]}]
    frozen: false
    always_changed: true
    retries: 2
    timeout: 10m
    desc: d
  b:
    foreach: [1, 2]
    do: {uses: train, with: {k: '\${item}'}, timeout: '\${t}'}
  c:
    matrix: {m: [a, b], k: '\${ks}'}
    cmd: echo \${item.m}
`);
    expect(validate(pipeline), JSON.stringify(validate.errors)).toBe(true);
  });

  test("accepts the project's own pipeline.yaml when there is one", () => {
    let text: string;
    try {
      text = readFileSync(path.join(root, 'pipeline.yaml'), 'utf8');
    } catch {
      return;
    }
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  test('rejects unknown fields and wrong types', () => {
    expect(validate(parse('stages: {a: {cmd: x, depz: []}}'))).toBe(false);
    expect(validate(parse('stages: {a: {cmd: x, retries: -1}}'))).toBe(false);
    expect(validate(parse('stages: {a: {cmd: x, timeout: soon}}'))).toBe(false);
    expect(validate(parse('stagez: {}'))).toBe(false);
  });
});

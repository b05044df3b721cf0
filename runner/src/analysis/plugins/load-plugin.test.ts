import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {builtinPluginNames, loadPlugin} from './load-plugin.js';

const PLUGIN = (name: string) =>
  `export default {name: '${name}', version: '1.2.3', description: 'x', params: {}, run() {}};\n`;

let root: string;
let builtinDir: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'runner-plugins-'));
  builtinDir = path.join(root, 'builtin');
  mkdirSync(path.join(builtinDir, 'alpha'), {recursive: true});
  writeFileSync(path.join(builtinDir, 'alpha', 'index.js'), PLUGIN('alpha'));
  mkdirSync(path.join(builtinDir, 'not-a-plugin'), {recursive: true});
  const project = path.join(root, 'project');
  const pkg = path.join(project, 'node_modules', '@acme', 'stage-kit');
  mkdirSync(path.join(pkg, 'dist'), {recursive: true});
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({
      name: '@acme/stage-kit',
      type: 'module',
      exports: {'.': {import: './dist/main.js'}},
    }),
  );
  writeFileSync(path.join(pkg, 'dist', 'main.js'), PLUGIN('stage-kit'));
  mkdirSync(path.join(pkg, 'node_modules', 'dep'), {recursive: true});
  writeFileSync(path.join(pkg, 'node_modules', 'dep', 'index.js'), '// a dependency\n');
  writeFileSync(path.join(project, 'solo.js'), PLUGIN('solo'));
  writeFileSync(path.join(project, 'pipeline.yaml'), 'stages: {}\n');
});
afterAll(() => rmSync(root, {recursive: true, force: true}));

const env = () => ({builtinDir, runnerVersion: '1.0.0'});
const project = () => path.join(root, 'project');

describe('plugin resolution', () => {
  test('built-ins are folders with an index.js', () => {
    expect(builtinPluginNames(env())).toEqual(['alpha']);
  });

  test('a built-in by name', async () => {
    const loaded = await loadPlugin('alpha', project(), env(), new Map());
    expect(loaded.ok && loaded.plugin).toMatchObject({
      name: 'alpha',
      version: '1.2.3',
      source: 'builtin',
      modulePath: path.join(builtinDir, 'alpha', 'index.js'),
    });
  });

  test('an npm package from the project, through its exports', async () => {
    const loaded = await loadPlugin('@acme/stage-kit', project(), env(), new Map());
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.plugin.source).toBe('package');
    expect(loaded.plugin.modulePath).toBe(
      path.join(project(), 'node_modules', '@acme', 'stage-kit', 'dist', 'main.js'),
    );
  });

  test("a package's nested node_modules is not part of its code hash", async () => {
    const before = await loadPlugin('@acme/stage-kit', project(), env(), new Map());
    const dep = path.join(project(), 'node_modules', '@acme', 'stage-kit', 'node_modules', 'dep');
    writeFileSync(path.join(dep, 'index.js'), '// changed\n');
    const after = await loadPlugin('@acme/stage-kit', project(), env(), new Map());
    if (!before.ok || !after.ok) throw new Error('load failed');
    expect(after.plugin.codeHash).toBe(before.plugin.codeHash);
  });

  test('a module file in the project root hashes only itself', async () => {
    const before = await loadPlugin('./solo.js', project(), env(), new Map());
    writeFileSync(path.join(project(), 'unrelated.txt'), 'x');
    const after = await loadPlugin('./solo.js', project(), env(), new Map());
    if (!before.ok || !after.ok) throw new Error('load failed');
    expect(after.plugin.source).toBe('path');
    expect(after.plugin.codeHash).toBe(before.plugin.codeHash);
  });

  test('unknown names suggest a built-in', async () => {
    const loaded = await loadPlugin('alpah', project(), env(), new Map());
    expect(loaded).toMatchObject({ok: false, reason: 'unknown-plugin'});
    if (loaded.ok) return;
    expect(loaded.message).toContain('Did you mean "alpha"?');
    expect(loaded.message).toContain('Built-in plugins: alpha.');
  });

  test('a missing local module', async () => {
    const loaded = await loadPlugin('./nope', project(), env(), new Map());
    expect(loaded).toMatchObject({ok: false, reason: 'unknown-plugin'});
  });
});

import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {hashPluginFiles} from './code-hash.js';
import {importedFilesOutside} from './module-graph.js';

let root: string;
const plugin = () => path.join(root, 'plugins', 'score');

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'runner-module-graph-'));
  mkdirSync(plugin(), {recursive: true});
  mkdirSync(path.join(root, 'lib', 'ml'), {recursive: true});
  writeFileSync(
    path.join(plugin(), 'index.js'),
    [
      "import {fit} from '../../lib/ml/fit.js';",
      "export {helper} from './helper.js';",
      "const lazy = () => import('../../lib/lazy.js');",
      "import data from '../../lib/table.json' with {type: 'json'};",
      "import {missing} from '../../lib/gone.js';",
      "import fastify from 'fastify';",
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(plugin(), 'helper.js'), 'export const helper = 1;\n');
  writeFileSync(
    path.join(root, 'lib', 'ml', 'fit.js'),
    'import {x} from "./kernel.js";\nnew URL(\'./worker.js\', import.meta.url);\n',
  );
  writeFileSync(path.join(root, 'lib', 'ml', 'kernel.js'), 'export const x = 1;\n');
  writeFileSync(path.join(root, 'lib', 'ml', 'worker.js'), 'export {};\n');
  writeFileSync(path.join(root, 'lib', 'lazy.js'), 'export {};\n');
  writeFileSync(path.join(root, 'lib', 'table.json'), '{}\n');
  writeFileSync(path.join(root, 'lib', 'unused.js'), 'export {};\n');
});
afterAll(() => rmSync(root, {recursive: true, force: true}));

describe("a plugin's code files", () => {
  test('include every file outside the folder reached through relative imports', () => {
    expect(importedFilesOutside(plugin(), 'all')).toEqual([
      '../../lib/lazy.js',
      '../../lib/ml/fit.js',
      '../../lib/ml/kernel.js',
      '../../lib/ml/worker.js',
      '../../lib/table.json',
    ]);
  });

  test('so an edit to a shared helper changes the code hash', () => {
    const files = importedFilesOutside(plugin(), 'all');
    const before = hashPluginFiles(plugin(), files, 'own');
    writeFileSync(path.join(root, 'lib', 'ml', 'kernel.js'), 'export const x = 2;\n');
    expect(hashPluginFiles(plugin(), files, 'own')).not.toBe(before);
  });
});

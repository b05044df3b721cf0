import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';
import {analyzePipelineIn} from '../../runner/src/analysis/analyze.js';
import {formatDiagnostics} from '../../runner/src/diagnostics/printer.js';

/**
 * Each folder here is a malformed pipeline: pipeline.yaml (or dvc.yaml), optional params and
 * other files, optional set.txt (one --set value per line), and expected.txt, the exact printed
 * diagnostics. `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites the expected files; read
 * every change before committing it.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const builtinDir = path.join(here, '..', 'fixtures', 'plugins', 'builtin');
const update = process.env['UPDATE_GOLDEN'] === '1';

const cases = readdirSync(here, {withFileTypes: true})
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('golden diagnostics', () => {
  test('there are enough cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of cases) {
    test(name, async () => {
      const folder = path.join(here, name);
      const file = existsSync(path.join(folder, 'dvc.yaml'))
        ? path.join(folder, 'dvc.yaml')
        : path.join(folder, 'pipeline.yaml');
      const setFile = path.join(folder, 'set.txt');
      const set = existsSync(setFile)
        ? readFileSync(setFile, 'utf8')
            .split('\n')
            .filter((line) => line !== '')
        : [];
      const result = await analyzePipelineIn(
        {file, set},
        {plugins: {builtinDir, runnerVersion: '0.0.0-test'}},
      );
      expect(result.ok, 'a golden case must fail analysis').toBe(false);
      if (result.ok) return;
      const actual = formatDiagnostics(result.error, {cwd: folder, color: false});
      const expectedFile = path.join(folder, 'expected.txt');
      if (update) writeFileSync(expectedFile, actual);
      expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});

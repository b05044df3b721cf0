import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Transpiles (no type-check, a few ms per file) the given folders of runner/src to JavaScript, so
 * that tests can run real code in child processes with plain `node`. The output lives under
 * node_modules/.cache so that bare imports (`yaml`) resolve. Returns the output root (mirror of
 * the repo layout) and a cleanup function.
 */
export function compileForChild(folders: readonly string[]): {outDir: string; cleanup: () => void} {
  const cacheRoot = path.join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheRoot, {recursive: true});
  const outDir = mkdtempSync(path.join(cacheRoot, 'child-modules-'));
  for (const folder of folders) {
    const source = path.join(REPO_ROOT, folder);
    for (const name of readdirSync(source)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const {outputText} = ts.transpileModule(readFileSync(path.join(source, name), 'utf8'), {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
        fileName: name,
      });
      const target = path.join(outDir, folder, name.replace(/\.ts$/, '.js'));
      mkdirSync(path.dirname(target), {recursive: true});
      writeFileSync(target, outputText);
    }
  }
  writeFileSync(path.join(outDir, 'package.json'), '{"type":"module"}\n');
  return {outDir, cleanup: () => rmSync(outDir, {recursive: true, force: true})};
}

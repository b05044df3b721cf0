import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Transpiles (no type-check) the given source folders, recursively, plus copies of the given data
 * files, so a child process can run the real server code with plain `node`. The output sits under
 * node_modules/.cache so bare imports resolve to the project's packages.
 */
export function transpileForChild(
  folders: readonly string[],
  files: readonly string[],
): {outDir: string; cleanup: () => void} {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, {recursive: true});
  const outDir = mkdtempSync(join(cache, 'serve-child-'));
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
        const {outputText} = ts.transpileModule(readFileSync(path, 'utf8'), {
          compilerOptions: {
            module: ts.ModuleKind.ESNext,
            target: ts.ScriptTarget.ES2022,
            verbatimModuleSyntax: true,
          },
          fileName: name,
        });
        const target = join(outDir, relative(ROOT, path)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(target), {recursive: true});
        writeFileSync(target, outputText);
      }
    }
  };
  for (const folder of folders) visit(join(ROOT, folder));
  for (const file of files) {
    mkdirSync(dirname(join(outDir, file)), {recursive: true});
    copyFileSync(join(ROOT, file), join(outDir, file));
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  return {outDir, cleanup: () => rmSync(outDir, {recursive: true, force: true})};
}

import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {listPluginFiles} from './code-hash.js';

// Relative specifiers of static and dynamic imports, re-exports and `new URL('./x.js',
// import.meta.url)` (worker modules). A comment or string that looks like one only adds a file.
const RELATIVE_SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\bnew URL\(\s*)(['"])(\.{1,2}\/[^'"\n]+)\1/g;
const SCRIPT = /\.(?:js|mjs|cjs)$/;

/**
 * The files outside a plugin's folder that its files (all, or the given ones) reach through
 * relative imports, as sorted paths relative to `folder`. They are the plugin's code too: a
 * plugin that imports shared helpers (`../shared/x.js`) is re-run when those change.
 */
export function importedFilesOutside(folder: string, files: readonly string[] | 'all'): string[] {
  const start: string[] = [];
  if (files === 'all') listPluginFiles(folder, '', start);
  else start.push(...files);
  const seen = new Set(start.map((f) => path.resolve(folder, f)));
  const pending = [...seen];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (!SCRIPT.test(file)) continue;
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(RELATIVE_SPECIFIER)) {
      const target = path.resolve(path.dirname(file), match[2] as string);
      if (seen.has(target) || !isFile(target)) continue;
      seen.add(target);
      pending.push(target);
    }
  }
  const own = new Set(start.map((f) => path.resolve(folder, f)));
  return [...seen]
    .filter((f) => !own.has(f))
    .map((f) => path.relative(folder, f).split(path.sep).join('/'))
    .sort();
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

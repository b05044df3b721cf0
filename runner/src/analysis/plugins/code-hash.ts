import {createHash} from 'node:crypto';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';

const SKIPPED = new Set(['node_modules', '.git', '.runner']);

/** Appends the files of a plugin folder (relative, unsorted) that make up its code hash. */
export function listPluginFiles(folder: string, prefix: string, out: string[]): void {
  for (const entry of readdirSync(path.join(folder, prefix), {withFileTypes: true})) {
    if (SKIPPED.has(entry.name)) continue;
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) listPluginFiles(folder, relative, out);
    else if (entry.isFile()) out.push(relative);
  }
}

/**
 * sha256 over every file of a plugin's folder: sorted relative paths and contents (nested
 * node_modules excluded: they are the plugin's dependencies, pinned by the lockfile), plus an
 * extra string such as the runner's version for built-ins.
 */
export function hashPluginFiles(
  folder: string,
  files: readonly string[] | 'all',
  extra: string,
): string {
  const relative: string[] = [];
  if (files === 'all') listPluginFiles(folder, '', relative);
  else relative.push(...files);
  relative.sort();
  const hash = createHash('sha256');
  hash.update(`extra\0${extra}\0`);
  for (const file of relative) {
    const content = readFileSync(path.join(folder, file));
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

let cached: {root: string; version: string} | undefined;

/**
 * The runner's own install folder (the one holding its package.json) and version. Found by
 * walking up from this module, so it works from `dist/` and from the TypeScript sources alike.
 */
export function runnerPackage(): {readonly root: string; readonly version: string} {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    // tsc may copy a package.json into dist/ when something imports it; that is not the root.
    if (path.basename(dir) !== 'dist' && existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as {version?: unknown};
      cached = {root: dir, version: typeof parsed.version === 'string' ? parsed.version : '0.0.0'};
      return cached;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Internal error: the runner has no package.json above it');
    dir = parent;
  }
}

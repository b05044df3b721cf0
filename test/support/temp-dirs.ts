import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll} from 'vitest';

let root: string | undefined;

/**
 * A folder for this test file's temp files (projects, clones, remotes, stage scratch), removed after the
 * file's tests, so test runs do not pile up under /tmp.
 */
export function testTmp(): string {
  root ??= mkdtempSync(join(tmpdir(), 'runner-tests-'));
  return root;
}

// Registered when a test file imports this module, so it runs after that file's tests.
afterAll(() => {
  if (root !== undefined) rmSync(root, {recursive: true, force: true});
  root = undefined;
});

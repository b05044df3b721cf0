import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {runnerPackage} from '../config/package-root.js';
import {REASONS} from './reasons.js';

const root = runnerPackage().root;

describe('reason codes', () => {
  test('are kebab-case and unique', () => {
    for (const reason of REASONS) expect(reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(new Set(REASONS).size).toBe(REASONS.length);
  });

  test('docs/errors.md explains exactly the reason codes there are', () => {
    const doc = readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^### `([a-z-]+)`$/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...REASONS].sort());
  });

  test('every reason that can come from a pipeline has a golden case', () => {
    const golden = path.join(root, 'test', 'golden');
    const seen = new Set<string>();
    for (const entry of readdirSync(golden, {withFileTypes: true})) {
      if (!entry.isDirectory()) continue;
      const text = readFileSync(path.join(golden, entry.name, 'expected.txt'), 'utf8');
      for (const m of text.matchAll(/error\[([a-z-]+)\]/g)) seen.add(m[1]!);
    }
    // A missing pipeline file has no folder to hold a golden case; analyze.test.ts covers it.
    expect(REASONS.filter((r) => !seen.has(r))).toEqual(['file-not-found']);
  });
});

import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {expect} from 'vitest';

/** SEMANTICS.md's tolerance: |a - b| <= 1e-9 * max(1, |a|, |b|). */
export function expectAgree(actual: number, expected: number, label = ''): void {
  const tol = 1e-9 * Math.max(1, Math.abs(actual), Math.abs(expected));
  expect(Math.abs(actual - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    tol,
  );
}

/** Reads a JSON fixture written by test/fixtures/sklearn/make_fixtures.py. */
export function sklearnFixture<T>(name: string): T {
  const url = new URL(`../fixtures/sklearn/${name}`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as T;
}

import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {inspectPng, type PngFacts} from './png-check.js';

/** The cells of the first markdown table row whose column `column` is `key`. */
export function tableRow(markdown: string, key: string, column = 1): string[] | undefined {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    )
    .find((cells) => cells[column] === key);
}

/**
 * Every image the markdown references must exist relative to it, decode as PNG, be of a size a
 * PR comment can show, and carry ink (axes, marks, text), not be a blank canvas.
 */
export function assertReportImages(markdown: string, dir: string): (PngFacts & {path: string})[] {
  const paths = [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1] ?? '');
  expect(paths.length).toBeGreaterThan(0);
  return paths.map((path) => {
    expect(path).not.toMatch(/^(\/|[a-z]+:)/);
    const facts = inspectPng(readFileSync(join(dir, path)));
    expect(facts.width).toBeGreaterThanOrEqual(400);
    expect(facts.height).toBeGreaterThanOrEqual(200);
    expect(facts.width * facts.height).toBeLessThan(4000 * 3000);
    expect(facts.corner).toEqual([255, 255, 255, 255]);
    expect(facts.inkRatio).toBeGreaterThan(0.01);
    expect(facts.inkRatio).toBeLessThan(0.9);
    return {...facts, path};
  });
}

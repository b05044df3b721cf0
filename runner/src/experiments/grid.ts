import {err, ok, type Result} from '../util/result.js';

/**
 * `--grid train.k=2,3,4 --grid train.nInit=5,10` -> the cartesian product as lists of `--set`
 * items, first grid varying slowest. Values are kept as typed (YAML scalars parse later).
 */
export function expandGrid(grids: readonly string[]): Result<string[][], string> {
  let variants: string[][] = [[]];
  const seen = new Set<string>();
  for (const grid of grids) {
    const eq = grid.indexOf('=');
    const key = grid.slice(0, eq).trim();
    const values = grid
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim());
    if (eq <= 0 || values.some((v) => v === '')) {
      return err(
        `--grid ${JSON.stringify(grid)} must look like key=v1,v2,... (e.g. train.k=2,3,4).`,
      );
    }
    if (seen.has(key)) return err(`--grid names ${key} twice; give all its values in one --grid.`);
    seen.add(key);
    variants = variants.flatMap((sets) => values.map((v) => [...sets, `${key}=${v}`]));
  }
  return ok(variants);
}

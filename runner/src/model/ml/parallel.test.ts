import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {sklearnFixture} from '../../../../test/ml/test-support.js';
import {fitKMeans} from './kmeans.js';
import {fromRows} from './matrix.js';
import {silhouettes} from './metrics.js';
import {sweep, workersAvailable} from './parallel.js';
import type * as ParallelModule from './parallel.js';
import type * as MatrixModule from './matrix.js';

// Worker threads need the compiled worker module; from TypeScript sources the sweep runs
// in-process, so the threaded path is tested through the build (npm run build).
const compiled = new URL('../../../../dist/runner/src/model/ml/parallel.js', import.meta.url);
const hasBuild = existsSync(fileURLToPath(compiled));
if (!hasBuild) console.warn('Skipping the threaded sweep test: run `npm run build` first.');

interface KMeansFixture {
  cases: {name: string; x: number[][]; k: number}[];
}

const data = sklearnFixture<KMeansFixture>('kmeans.json').cases[1]?.x ?? [];
const settings = {nInit: 3, maxIter: 300, tol: 1e-4, seed: 5};
const options = [2, 3, 4, 5].map((k) => ({...settings, k}));

describe('k sweep', () => {
  it('in-process: the fits and silhouettes of the single-threaded kernels', async () => {
    const x = fromRows(data);
    expect(workersAvailable()).toBe(false);
    const result = await sweep(x, options, [], 2);
    result.fits.forEach((fit, i) => {
      expect(fit).toEqual(fitKMeans(x, options[i] as (typeof options)[number]));
    });
    expect(result.silhouettes).toEqual(
      silhouettes(
        x,
        result.fits.map((f) => f.labels),
      ),
    );
  });

  it.skipIf(!hasBuild)('on worker threads: bit-identical to one thread', async () => {
    const built = (await import(compiled.href)) as typeof ParallelModule;
    const matrixModule = (await import(
      new URL('./matrix.js', compiled).href
    )) as typeof MatrixModule;
    expect(built.workersAvailable()).toBe(true);
    const x = matrixModule.fromRows(data);
    const one = await built.sweep(x, options, [], 1);
    const two = await built.sweep(x, options, [], 2);
    const three = await built.sweep(x, options, [], 3);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect(one.silhouettes).toHaveLength(4);
  });

  it.skipIf(!hasBuild)(
    'a failed task fails the sweep, and the pool still serves the next',
    async () => {
      const built = (await import(compiled.href)) as typeof ParallelModule;
      const matrixModule = (await import(
        new URL('./matrix.js', compiled).href
      )) as typeof MatrixModule;
      const x = matrixModule.fromRows(data);
      const tooMany = [...options, {...settings, k: x.rows + 1}];
      await expect(built.sweep(x, tooMany, [], 2)).rejects.toThrow(/k must be an integer/);
      const again = await built.sweep(x, options, [], 2);
      expect(again).toEqual(await built.sweep(x, options, [], 1));
    },
  );
});

import {copyFileSync, existsSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runServe, type RunningServer} from '../../runner/src/server/index.js';
import {fixtureModelPath, fixtureRecommendationsPath} from './fixture.js';
import {tempDir} from './helpers.js';

function capture(): {printError: (m: string) => void; errors: string[]} {
  const errors: string[] = [];
  return {printError: (m) => errors.push(m), errors};
}

describe('runServe (runner serve)', () => {
  it('serves models/model.json of the project by default, logs under .runner/serve, exits 0 on close', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'models'));
    mkdirSync(join(cwd, 'data', 'processed'), {recursive: true});
    copyFileSync(fixtureModelPath, join(cwd, 'models', 'model.json'));
    copyFileSync(fixtureRecommendationsPath, join(cwd, 'data/processed/recommendations.parquet'));
    let server: RunningServer | undefined;
    const io = capture();
    const exit = runServe(
      {cwd, port: 0, logLevel: 'warn'},
      {
        ...io,
        onListening: (s) => {
          server = s;
        },
      },
    );
    await expect.poll(() => server, {timeout: 20_000}).toBeDefined();
    const running = server as RunningServer;
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const health = (await (await fetch(`${running.url}/health`)).json()) as {
      model: {recommendations: {customers: number}};
    };
    expect(health.model.recommendations.customers).toBe(480);
    await fetch(`${running.url}/predict`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({instances: [{PC1: 0, PC2: 0, PC3: 0, PC4: 0, PC5: 0, PC6: 0}]}),
    });
    await running.close();
    expect(await exit).toBe(0);
    expect(io.errors).toEqual([]);
    expect(existsSync(join(cwd, '.runner/serve/predictions.ndjson'))).toBe(true);
  });

  it('takes the token from RUNNER_SERVE_TOKEN', async () => {
    let server: RunningServer | undefined;
    const exit = runServe(
      {model: fixtureModelPath, port: 0, logDir: tempDir(), logLevel: 'warn'},
      {...capture(), env: {RUNNER_SERVE_TOKEN: 't0ken'}, onListening: (s) => (server = s)},
    );
    await expect.poll(() => server, {timeout: 20_000}).toBeDefined();
    const url = (server as RunningServer).url;
    expect((await fetch(`${url}/drift`)).status).toBe(401);
    expect((await fetch(`${url}/drift`, {headers: {authorization: 'Bearer t0ken'}})).status).toBe(
      200,
    );
    await (server as RunningServer).close();
    expect(await exit).toBe(0);
  });

  it('exit 2 with a clear message: both --model and --alias, --alias without a registry, no model', async () => {
    const cwd = tempDir();
    const cases: [Parameters<typeof runServe>[0], RegExp][] = [
      [{model: 'm.json', alias: 'production', cwd}, /either --model PATH or --alias NAME/],
      [{alias: 'production', cwd}, /needs a model registry on the default remote/],
      [{cwd}, /models\/model\.json does not exist\. Run `runner repro`/],
    ];
    for (const [options, message] of cases) {
      const io = capture();
      expect(await runServe({port: 0, ...options}, io)).toBe(2);
      expect(io.errors).toHaveLength(1);
      expect(io.errors[0]).toMatch(message);
    }
  });

  it('exit 2 naming the problems of an invalid model.json', async () => {
    const io = capture();
    const exit = await runServe({model: fixtureRecommendationsPath, port: 0}, io);
    expect(exit).toBe(2);
    expect(io.errors[0]).toMatch(/cannot serve .*recommendations\.parquet: .* is not valid JSON/);
  });
});

describe('runServe on a busy port', () => {
  it('exit 2 saying the port is in use', async () => {
    const {createServer} = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const io = capture();
    try {
      expect(
        await runServe({model: fixtureModelPath, port, logDir: tempDir(), logLevel: 'silent'}, io),
      ).toBe(2);
    } finally {
      blocker.close();
    }
    expect(io.errors[0]).toMatch(/the port is already in use; pass --port N/);
  });
});

import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {FastifyInstance, LightMyRequestResponse} from 'fastify';
import {afterEach} from 'vitest';
import {buildServer} from '../../runner/src/server/index.js';
import {fileModelSource} from '../../runner/src/server/index.js';
import type {ServerOptions} from '../../runner/src/server/index.js';
import {fixtureModel, fixtureModelPath, fixtureRecommendationsPath} from './fixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A temp folder removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runner-serve-'));
  cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

/** A server on the fixture model (closed after the test). */
export async function fixtureServer(
  options: Partial<ServerOptions> = {},
): Promise<FastifyInstance> {
  const app = await buildServer({
    model: fileModelSource(fixtureModelPath, {recommendations: fixtureRecommendationsPath}),
    ...options,
  });
  cleanups.push(() => app.close());
  return app;
}

/** Registers a cleanup to run after the current test. */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/** A raw-feature instance with every feature set to the training mean of cluster `id`. */
export function clusterMeanInstance(id: number): Record<string, number> {
  const profile = fixtureModel.clusters[id];
  if (!profile) throw new Error(`fixture has no cluster ${id}`);
  return {...profile.means};
}

/** `{PC1: .., PCn: ..}` for a point in PCA space. */
export function componentsInstance(values: readonly number[]): Record<string, number> {
  return Object.fromEntries(values.map((v, i) => [`PC${i + 1}`, v]));
}

/** POST /predict with a JSON body. */
export function predict(
  app: FastifyInstance,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/predict',
    headers: {'content-type': 'application/json', ...headers},
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

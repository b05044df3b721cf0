import {copyFileSync, renameSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {FastifyInstance} from 'fastify';
import {describe, expect, it} from 'vitest';
import {serializeModel, type SegmentationModel} from '../../runner/src/model/index.js';
import {
  aliasModelSource,
  buildServer,
  fileModelSource,
  type RegistryReader,
} from '../../runner/src/server/index.js';
import {fixtureModel, fixtureModelPath, fixtureRecommendationsPath} from './fixture.js';
import {clusterMeanInstance, onCleanup, predict, tempDir} from './helpers.js';
import {sample} from './metrics-text.js';

/** The fixture with other cluster names: a different model.json, hence a different version. */
function renamed(suffix: string): SegmentationModel {
  return {
    ...fixtureModel,
    clusters: fixtureModel.clusters.map((c) => ({...c, name: `${c.name} ${suffix}`})),
  };
}

/** Replaces a file the way writers should: a temp file renamed over it. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached in 10 s');
}

async function health(app: FastifyInstance): Promise<{
  status: string;
  model: {version: string};
  lastReloadFailure: {message: string} | null;
}> {
  return (await app.inject('/health')).json();
}

async function nameOfCluster0(app: FastifyInstance): Promise<string> {
  return (await predict(app, {instances: [clusterMeanInstance(0)]})).json().predictions[0].name;
}

describe('hot reload', () => {
  it('swaps in a changed model.json, refuses a broken one and keeps serving', async () => {
    const dir = tempDir();
    const modelPath = join(dir, 'model.json');
    copyFileSync(fixtureModelPath, modelPath);
    copyFileSync(fixtureRecommendationsPath, join(dir, 'recommendations.parquet'));
    const app = await buildServer({model: fileModelSource(modelPath, {pollMs: 20})});
    onCleanup(() => app.close());
    await app.ready();
    const first = (await health(app)).model.version;
    expect(await nameOfCluster0(app)).toBe('dormant small buyers');

    replace(modelPath, serializeModel(renamed('v2')));
    const second = await until(
      () => health(app),
      (h) => h.model.version !== first,
    );
    expect(second.status).toBe('ok');
    expect(await nameOfCluster0(app)).toBe('dormant small buyers v2');

    // Broken twice over: not the schema, and then not even JSON.
    replace(modelPath, JSON.stringify({...fixtureModel, kmeans: {k: 3}}));
    const refused = await until(
      () => health(app),
      (h) => h.lastReloadFailure !== null,
    );
    expect(refused.status).toBe('degraded');
    expect(refused.model.version).toBe(second.model.version);
    expect(refused.lastReloadFailure?.message).toContain('/kmeans');
    expect(await nameOfCluster0(app)).toBe('dormant small buyers v2');
    replace(modelPath, '{"schema": 1,');
    await until(
      () => health(app),
      (h) => h.lastReloadFailure?.message.includes('not valid JSON') === true,
    );
    expect(await nameOfCluster0(app)).toBe('dormant small buyers v2');

    replace(modelPath, serializeModel(renamed('v3')));
    const third = await until(
      () => health(app),
      (h) => h.status === 'ok',
    );
    expect(third.lastReloadFailure).toBeNull();
    expect(await nameOfCluster0(app)).toBe('dormant small buyers v3');

    const metrics = (await app.inject('/metrics')).body;
    expect(sample(metrics, 'runner_model_reloads_total{outcome="swapped"}')).toBe(2);
    expect(sample(metrics, 'runner_model_reloads_total{outcome="refused"}')).toBeGreaterThanOrEqual(
      2,
    );
    expect(
      sample(
        metrics,
        `runner_model_info{version="${third.model.version}",data_hash="${fixtureModel.training.dataHash}"}`,
      ),
    ).toBe(1);
    expect(metrics).not.toContain(`version="${first}"`);
  });

  it('requests in flight during a reload all succeed, each scored by one model only', async () => {
    const dir = tempDir();
    const modelPath = join(dir, 'model.json');
    copyFileSync(fixtureModelPath, modelPath);
    const app = await buildServer({model: fileModelSource(modelPath, {recommendations: null})});
    onCleanup(() => app.close());
    const pinned = app.models.current;
    replace(modelPath, serializeModel(renamed('next')));
    const batch = {instances: Array.from({length: 100}, () => clusterMeanInstance(0))};
    const requests = Array.from({length: 20}, () => predict(app, batch));
    const [outcome, ...responses] = await Promise.all([app.models.reload(), ...requests]);
    expect(outcome.outcome).toBe('swapped');
    const namesPerResponse = responses.map((res) => {
      expect(res.statusCode).toBe(200);
      return new Set(res.json().predictions.map((p: {name: string}) => p.name));
    });
    for (const names of namesPerResponse) expect(names.size).toBe(1);
    expect(pinned.model.clusters[0]?.name).toBe('dormant small buyers');
    expect(await nameOfCluster0(app)).toBe('dormant small buyers next');
  });

  it('follows a registry alias when it moves (polled)', async () => {
    const dir = tempDir();
    const versions: Record<string, string> = {};
    for (const [version, model] of [
      ['v1', fixtureModel],
      ['v2', renamed('promoted')],
    ] as const) {
      versions[version] = join(dir, `${version}.json`);
      writeFileSync(versions[version], serializeModel(model));
    }
    let alias = 'v1';
    const registry: RegistryReader = {
      resolveAlias: async (name, aliasName) => {
        expect([name, aliasName]).toEqual(['segmentation', 'production']);
        return alias;
      },
      fetchVersion: async (_name, version) => ({
        modelPath: versions[version] as string,
        recommendationsPath: fixtureRecommendationsPath,
      }),
    };
    const app = await buildServer({
      model: aliasModelSource(registry, {name: 'segmentation', alias: 'production', pollMs: 20}),
    });
    onCleanup(() => app.close());
    await app.ready();
    expect(await nameOfCluster0(app)).toBe('dormant small buyers');
    expect((await health(app)).model).toMatchObject({
      source: 'registry segmentation@production (v1)',
    });
    alias = 'v2';
    await until(
      () => nameOfCluster0(app),
      (name) => name === 'dormant small buyers promoted',
    );
    expect((await health(app)).model).toMatchObject({
      source: 'registry segmentation@production (v2)',
    });
  });
});

import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {serializeModel} from '../../runner/src/model/index.js';
import {promoteModel, publishModel, type BundlePaths} from '../../runner/src/registry/index.js';
import {openRemote} from '../../runner/src/remote/open-remote.js';
import {
  aliasModelSource,
  buildServer,
  remoteRegistryReader,
} from '../../runner/src/server/index.js';
import {fixtureModel, fixtureRecommendationsPath} from './fixture.js';
import {clusterMeanInstance, onCleanup, predict, tempDir} from './helpers.js';

describe('serve --alias through the registry on a folder remote', () => {
  it('serves the promoted version with its recommendations, and follows a promotion', async () => {
    const root = tempDir();
    const remote = openRemote(join(root, 'remote'), root);
    const bundle = (dir: string, modelText: string): BundlePaths => {
      const files = {
        'model.json': join(root, `${dir}-model.json`),
        'metrics.json': join(root, `${dir}-metrics.json`),
        'recommendations.parquet': fixtureRecommendationsPath,
      };
      writeFileSync(files['model.json'], modelText);
      writeFileSync(files['metrics.json'], '{"silhouette": 0.5}\n');
      return files;
    };
    const v1 = await publishModel(remote, {
      name: 'segmentation',
      files: bundle('v1', serializeModel(fixtureModel)),
    });
    if (!v1.ok) throw new Error(v1.error.message);
    const promoted = await promoteModel(remote, {
      name: 'segmentation',
      version: v1.value.version,
      alias: 'production',
    });
    expect(promoted.ok).toBe(true);

    const cacheDir = join(root, 'cache');
    const app = await buildServer({
      model: aliasModelSource(remoteRegistryReader(remote, cacheDir), {
        name: 'segmentation',
        alias: 'production',
        pollMs: 20,
      }),
    });
    onCleanup(() => app.close());
    await app.ready();
    const health = (await app.inject('/health')).json();
    expect(health.model.version).toBe(v1.value.version);
    expect(health.model.recommendations.customers).toBe(480);
    expect(health.model.recommendations.path).toBe(
      join(cacheDir, 'segmentation', v1.value.version, 'recommendations.parquet'),
    );

    const renamed = {
      ...fixtureModel,
      clusters: fixtureModel.clusters.map((c) => ({...c, name: `${c.name} v2`})),
    };
    const v2 = await publishModel(remote, {
      name: 'segmentation',
      files: bundle('v2', serializeModel(renamed)),
    });
    if (!v2.ok) throw new Error(v2.error.message);
    await promoteModel(remote, {
      name: 'segmentation',
      version: v2.value.version,
      alias: 'production',
    });
    await expect
      .poll(async () => (await app.inject('/health')).json().model.version, {timeout: 10_000})
      .toBe(v2.value.version);
    const res = await predict(app, {instances: [clusterMeanInstance(0)]});
    expect(res.json().predictions[0].name).toBe('dormant small buyers v2');
  });

  it('an alias that was never set refuses to start, naming it', async () => {
    const root = tempDir();
    const remote = openRemote(join(root, 'remote'), root);
    await expect(
      buildServer({
        model: aliasModelSource(remoteRegistryReader(remote, join(root, 'cache')), {
          name: 'segmentation',
          alias: 'production',
        }),
      }),
    ).rejects.toThrow('The registry has no alias production for model segmentation');
  });
});

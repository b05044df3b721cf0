import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {expect, it} from 'vitest';
import {
  downloadVersion,
  listModels,
  promoteModel,
  publishModel,
  readAlias,
  rollbackModel,
  type BundlePaths,
} from '../../runner/src/registry/index.js';
import type {RemoteStore} from '../../runner/src/remote/remote-store.js';
import {testTmp} from '../support/temp-dirs.js';

/** A bundle whose model.json differs by `seed` and whose metrics.json has the given silhouette. */
export async function makeBundle(seed: string, silhouette: number): Promise<BundlePaths> {
  const dir = await mkdtemp(join(testTmp(), 'bundle-'));
  const paths = {
    'model.json': join(dir, 'model.json'),
    'metrics.json': join(dir, 'metrics.json'),
    'recommendations.parquet': join(dir, 'recommendations.parquet'),
  };
  await writeFile(
    paths['model.json'],
    JSON.stringify({schema: 1, seed, training: {dataHash: `data-${seed}`}}),
  );
  await writeFile(
    paths['metrics.json'],
    JSON.stringify({silhouette, davies_bouldin: 0.9, n_clusters: 4}),
  );
  await writeFile(paths['recommendations.parquet'], `PAR1 ${seed} PAR1`);
  return paths;
}

const GATES = {silhouette: {min: 0.3}, davies_bouldin: {max: 1.5}};

/** The model registry tests, run once per kind of remote. */
export function defineRegistrySuite(newRemote: () => RemoteStore): void {
  it('publishes a content-addressed version once; publishing again is a no-op', async () => {
    const remote = newRemote();
    const bundle = await makeBundle('a', 0.5);
    const first = await publishModel(remote, {
      name: 'segmentation',
      files: bundle,
      gitCommit: 'abc123',
    });
    expect(first).toMatchObject({ok: true, value: {published: true}});
    if (!first.ok) return;
    const {version} = first.value;
    expect(version).toMatch(/^[0-9a-f]{32}$/);
    expect(first.value.meta).toMatchObject({
      name: 'segmentation',
      version,
      gitCommit: 'abc123',
      dataHash: 'data-a',
    });
    const again = await publishModel(remote, {name: 'segmentation', files: bundle});
    expect(again).toMatchObject({
      ok: true,
      value: {published: false, version, meta: first.value.meta},
    });
    const dir = await mkdtemp(join(testTmp(), 'download-'));
    const got = await downloadVersion(remote, {name: 'segmentation', version, dir});
    expect(got.ok).toBe(true);
    expect(await readFile(join(dir, 'recommendations.parquet'), 'utf8')).toBe('PAR1 a PAR1');
  });

  it('gated promotion refuses a model below the gate and leaves the alias alone; rollback restores the previous version', async () => {
    const remote = newRemote();
    const published = await Promise.all(
      [
        ['good-1', 0.5],
        ['good-2', 0.6],
        ['weak', 0.1],
      ].map(async ([seed, silhouette]) => {
        const result = await publishModel(remote, {
          name: 'seg',
          files: await makeBundle(String(seed), Number(silhouette)),
        });
        if (!result.ok) throw new Error(result.error.message);
        return result.value.version;
      }),
    );
    const [v1, v2, weak] = published as [string, string, string];
    expect(
      await promoteModel(remote, {name: 'seg', version: v1, alias: 'production', gates: GATES}),
    ).toMatchObject({
      ok: true,
      value: {moved: true, previous: undefined},
    });
    expect(
      await promoteModel(remote, {name: 'seg', version: v2, alias: 'production', gates: GATES}),
    ).toMatchObject({
      ok: true,
      value: {moved: true, previous: v1},
    });
    const refused = await promoteModel(remote, {
      name: 'seg',
      version: weak,
      alias: 'production',
      gates: GATES,
    });
    expect(refused).toMatchObject({ok: false, error: {reason: 'gates-failed'}});
    expect(!refused.ok && refused.error.message).toContain('silhouette 0.1 < min 0.3');
    expect((await readAlias(remote, 'seg', 'production'))?.version).toBe(v2);

    expect(await rollbackModel(remote, {name: 'seg', alias: 'production'})).toEqual({
      ok: true,
      value: {from: v2, to: v1},
    });
    expect((await readAlias(remote, 'seg', 'production'))?.version).toBe(v1);
    expect(await rollbackModel(remote, {name: 'seg', alias: 'production'})).toMatchObject({
      ok: false,
      error: {reason: 'nothing-to-roll-back'},
    });
    const forced = await promoteModel(remote, {
      name: 'seg',
      version: weak,
      alias: 'production',
      gates: GATES,
      force: true,
    });
    expect(forced).toMatchObject({ok: true, value: {moved: true, forced: true, previous: v1}});
    const record = await readAlias(remote, 'seg', 'production');
    expect(record?.history.map((e) => [e.action, e.version, e.forced ?? false])).toEqual([
      ['promote', v1, false],
      ['promote', v2, false],
      ['rollback', v1, false],
      ['promote', weak, true],
    ]);

    const listed = await listModels(remote);
    expect(listed.ok && listed.value.map((m) => [m.name, m.versions.length, m.aliases])).toEqual([
      ['seg', 3, {production: weak}],
    ]);
    const unknown = await promoteModel(remote, {
      name: 'seg',
      version: '0'.repeat(32),
      alias: 'staging',
    });
    expect(unknown).toMatchObject({ok: false, error: {reason: 'not-found'}});
  });
}

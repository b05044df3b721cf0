import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtempSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {publishModel} from '../../runner/src/registry/index.js';
import {localObjectPath} from '../../runner/src/remote/cache-keys.js';
import {runGc} from '../../runner/src/remote/gc.js';
import {openRemote} from '../../runner/src/remote/open-remote.js';
import {makeProject} from './project-fixture.js';
import {testTmp} from '../support/temp-dirs.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });

describe('gc roots beyond the workspace lock', () => {
  it('--all-commits keeps what the lock of any commit names; without it those objects go', async () => {
    const project = await makeProject({seed: 'v1'});
    git(project.root, 'init', '-q');
    git(project.root, 'add', 'pipeline.lock');
    git(project.root, 'commit', '-q', '-m', 'v1');
    // A second version of the outputs, in the same cache, locked and committed.
    const v2 = await makeProject({seed: 'v2'});
    const {copyFile, cp} = await import('node:fs/promises');
    await cp(join(v2.cacheDir, 'files'), join(project.cacheDir, 'files'), {
      recursive: true,
      force: false,
    });
    await copyFile(join(v2.root, 'pipeline.lock'), join(project.root, 'pipeline.lock'));
    git(project.root, 'commit', '-q', '-am', 'v2');
    const v1Only = [...project.objectIds, ...project.dirFileIds].filter(
      (id) => ![...v2.objectIds, ...v2.dirFileIds].includes(id),
    );
    expect(v1Only.length).toBeGreaterThan(3);

    const all = await runGc({
      root: project.root,
      lock: v2.lock,
      allCommits: true,
      jobs: 2,
      dryRun: true,
    });
    // Run records name these objects too: with --run-cache only records of kept locks stay.
    expect(all).toMatchObject({
      ok: true,
      value: {removedObjects: [], removedRuns: [], warnings: []},
    });
    const workspace = await runGc({root: project.root, lock: v2.lock, runCache: true, jobs: 2});
    expect(workspace.ok && workspace.value.removedObjects).toEqual([...v1Only].sort());
    for (const id of v1Only) expect(existsSync(localObjectPath(project.cacheDir, id))).toBe(false);
    for (const id of v2.objectIds)
      expect(existsSync(localObjectPath(project.cacheDir, id))).toBe(true);
  });

  it('--all-commits outside git says so instead of deleting anything', async () => {
    const project = await makeProject();
    const result = await runGc({root: project.root, lock: project.lock, allCommits: true, jobs: 1});
    expect(result).toMatchObject({ok: false, error: {reason: 'io'}});
    expect(!result.ok && result.error.message).toContain('--all-commits needs a git repository');
  });

  it('keeps the cache objects of published registry versions', async () => {
    const project = await makeProject();
    const registry = openRemote(mkdtempSync(join(testTmp(), 'gc-registry-')), '/');
    const train = project.lock.stages['train']!;
    const model = train.outs.find((o) => o.path === 'models/model.json')!.md5;
    const prepare = project.lock.stages['prepare']!.outs;
    // Publish cache objects as the bundle, then drop them from the lock.
    const published = await publishModel(registry, {
      name: 'seg',
      files: {
        'model.json': localObjectPath(project.cacheDir, model),
        'metrics.json': localObjectPath(project.cacheDir, prepare[1]!.md5),
        'recommendations.parquet': localObjectPath(project.cacheDir, prepare[0]!.md5),
      },
    });
    expect(published.ok).toBe(true);
    const lock = {
      stages: {train: {...train, outs: train.outs.filter((o) => o.path !== 'models/model.json')}},
    };
    const withRegistry = await runGc({
      root: project.root,
      lock,
      registry,
      runCache: true,
      jobs: 1,
      dryRun: true,
    });
    expect(withRegistry.ok && withRegistry.value.removedObjects).toEqual([]);
    const without = await runGc({root: project.root, lock, runCache: true, jobs: 1, dryRun: true});
    // model.json stays anyway: the train run record (its fingerprint is still locked) names it.
    expect(without.ok && [...without.value.removedObjects].sort()).toEqual(
      [prepare[0]!.md5, prepare[1]!.md5].sort(),
    );
  });
});

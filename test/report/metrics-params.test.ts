import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {metricsDiff, metricsShow, paramsDiff} from '../../runner/src/report/commands.js';
import {directionOf} from '../../runner/src/report/direction.js';
import {formatNumber} from '../../runner/src/report/format.js';
import {openRevision, readAtRevision} from '../../runner/src/report/revision.js';
import {makeFixtureRepo, PLOT_FIXTURES, type FixtureRepo} from './fixture-repo.js';

let repo: FixtureRepo;
beforeAll(async () => {
  repo = await makeFixtureRepo();
});
afterAll(() => repo.remove());

const fixtureMetrics = (name: 'base' | 'head') =>
  JSON.parse(readFileSync(join(PLOT_FIXTURES, name, 'metrics.json'), 'utf8')) as Record<
    string,
    number
  >;

function value<T>(result: {ok: true; value: T} | {ok: false; error: unknown}): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The cells of the markdown row whose Metric column is `key`. */
function mdRow(markdown: string, key: string): string[] | undefined {
  return markdown
    .split('\n')
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim()))
    .find((cells) => cells[1] === key);
}

describe('reading files at a revision', () => {
  it('reads tracked files from git and git-ignored outs through the lock and the cache', async () => {
    const params = await readAtRevision(repo.root, 'HEAD~1', 'params.yaml');
    expect(params?.toString()).toContain('k: 3');
    const metrics = await openRevision(repo.root, 'HEAD~1');
    const outcome = await metrics.read('reports/metrics.json');
    expect(outcome.found && outcome.from).toBe('cache');
    expect(outcome.found && JSON.parse(outcome.bytes.toString())).toEqual(fixtureMetrics('base'));
    const inDir = await metrics.read('reports/plots/pca_scatter.data.json');
    expect(
      inDir.found &&
        inDir.bytes.equals(readFileSync(join(PLOT_FIXTURES, 'base/plots/pca_scatter.data.json'))),
    ).toBe(true);
    expect(await metrics.list('reports/plots')).toContain('reports/plots/cluster_profiles.json');
  });

  it('says which object is missing and how to get it when the cache lacks it', async () => {
    const files = await openRevision(repo.root, 'HEAD~1');
    const lock = (await files.read('pipeline.lock')) as {found: true; bytes: Buffer};
    const md5 = /path: reports\/metrics.json\n\s+md5: (\w+)/.exec(lock.bytes.toString())?.[1] ?? '';
    expect(md5).toMatch(/^[0-9a-f]{32}$/);
    const object = join(repo.root, '.runner/cache/files/md5', md5.slice(0, 2), md5.slice(2));
    const saved = readFileSync(object);
    rmSync(object);
    try {
      const outcome = await (await openRevision(repo.root, 'HEAD~1')).read('reports/metrics.json');
      expect(outcome.found).toBe(false);
      expect(!outcome.found && outcome.why).toContain('runner pull');
      expect(!outcome.found && outcome.why).toContain(md5);
    } finally {
      const {writeFileSync} = await import('node:fs');
      writeFileSync(object, saved);
    }
  });

  it('fetches an object the local cache lacks from a remote, into the cache', async () => {
    const {cpSync, existsSync, mkdirSync} = await import('node:fs');
    const {openRemote} = await import('../../runner/src/remote/open-remote.js');
    const {fetchFromRemote} = await import('../../runner/src/report/remote-fetch.js');
    const files = await openRevision(repo.root, 'HEAD~1');
    const lock = (await files.read('pipeline.lock')) as {found: true; bytes: Buffer};
    const md5 = /path: reports\/metrics.json\n\s+md5: (\w+)/.exec(lock.bytes.toString())?.[1] ?? '';
    const relative = join('files/md5', md5.slice(0, 2), md5.slice(2));
    const local = join(repo.root, '.runner/cache', relative);
    const remoteDir = join(repo.root, 'remote-folder');
    mkdirSync(join(remoteDir, 'files/md5', md5.slice(0, 2)), {recursive: true});
    cpSync(local, join(remoteDir, relative));
    rmSync(local);
    const fetchObject = fetchFromRemote(repo.root, openRemote(remoteDir, repo.root));
    const outcome = await (
      await openRevision(repo.root, 'HEAD~1', {fetchObject})
    ).read('reports/metrics.json');
    expect(outcome.found && JSON.parse(outcome.bytes.toString())).toEqual(fixtureMetrics('base'));
    expect(existsSync(local)).toBe(true);
  });

  it('reports an unknown revision as a value with a stable reason', async () => {
    const result = await metricsDiff({
      root: repo.root,
      plan: repo.plan,
      format: 'md',
      a: 'no-such-branch',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.reason).toBe('unknown-revision');
    expect(!result.ok && result.error.message).toContain('no-such-branch');
  });
});

describe('metrics diff', () => {
  it('shows base, head, delta and direction marks for changed metrics only', async () => {
    const md = value(
      await metricsDiff({root: repo.root, plan: repo.plan, format: 'md', a: 'HEAD~1'}),
    );
    expect(md.split('\n')[0]).toMatch(
      /^\| Path \| Metric \| HEAD~1 \([0-9a-f]{7}\) \| workspace \| Change \|/,
    );
    expect(mdRow(md, 'silhouette')).toEqual([
      'reports/metrics.json',
      'silhouette',
      '0.4376',
      '0.4611',
      '+0.0235',
      '▲ better',
    ]);
    expect(mdRow(md, 'davies_bouldin')).toEqual([
      'reports/metrics.json',
      'davies_bouldin',
      '0.9442',
      '0.8991',
      '-0.0451',
      '▼ better',
    ]);
    expect(mdRow(md, 'inertia')).toEqual([
      'reports/metrics.json',
      'inertia',
      '7727.4',
      '7061.4',
      '-665.95',
      '▼ better',
    ]);
    expect(mdRow(md, 'n_clusters')).toEqual([
      'reports/metrics.json',
      'n_clusters',
      '3',
      '4',
      '+1',
      '▲',
    ]);
    expect(mdRow(md, 'sizes.3')).toEqual([
      'reports/metrics.json',
      'sizes.3',
      '—',
      '85',
      '—',
      'new',
    ]);
    // cleaning.json is tracked in git and did not change: not listed.
    expect(md).not.toContain('cleaning.json');
  });

  it('keeps full values in JSON and lists unchanged keys with --all', async () => {
    const json = JSON.parse(
      value(
        await metricsDiff({
          root: repo.root,
          plan: repo.plan,
          format: 'json',
          a: 'HEAD~1',
          all: true,
        }),
      ),
    ) as Record<
      string,
      Record<string, {old: unknown; new: unknown; diff: number | null; change: string}>
    >;
    const base = fixtureMetrics('base');
    const head = fixtureMetrics('head');
    expect(json['reports/metrics.json']?.['inertia']).toEqual({
      old: base['inertia'],
      new: head['inertia'],
      diff: (head['inertia'] ?? 0) - (base['inertia'] ?? 0),
      change: 'better',
      direction: 'lower',
    });
    expect(json['metrics/cleaning.json']?.['rows.final']).toMatchObject({
      old: 3702,
      new: 3702,
      diff: 0,
      change: 'same',
    });
  });

  it('compares two revisions, defaults to HEAD against the workspace, and honours precision', async () => {
    const same = value(await metricsDiff({root: repo.root, plan: repo.plan, format: 'text'}));
    expect(same.trim().split('\n')).toHaveLength(1); // header only: HEAD is the workspace
    const text = value(
      await metricsDiff({
        root: repo.root,
        plan: repo.plan,
        format: 'text',
        a: 'HEAD~1',
        b: 'HEAD',
        precision: 2,
      }),
    );
    const line = text.split('\n').find((row) => row.includes(' silhouette ')) ?? '';
    expect(line.split(/\s{2,}/)).toEqual([
      'reports/metrics.json',
      'silhouette',
      '0.44',
      '0.46',
      '+0.024',
      '▲ better',
    ]);
  });

  it('shows one revision, flattening nested keys', async () => {
    const text = value(
      await metricsShow({root: repo.root, plan: repo.plan, format: 'text', rev: 'HEAD~1'}),
    );
    expect(text).toMatch(/reports\/metrics\.json\s+sizes\.2\s+127/);
    expect(text).toMatch(/metrics\/cleaning\.json\s+rows\.raw\s+5000/);
    const json = JSON.parse(
      value(await metricsShow({root: repo.root, plan: repo.plan, format: 'json'})),
    );
    expect(json['reports/metrics.json']['silhouette']).toBe(fixtureMetrics('head')['silhouette']);
  });
});

describe('params diff', () => {
  it('lists changed params only, and every param with --all', async () => {
    const md = value(
      await paramsDiff({root: repo.root, plan: repo.plan, format: 'md', a: 'HEAD~1'}),
    );
    const rows = md.trim().split('\n').slice(2);
    expect(rows).toEqual(['| params.yaml | train.k | 3 | 4 |']);
    const all = value(
      await paramsDiff({root: repo.root, plan: repo.plan, format: 'json', a: 'HEAD~1', all: true}),
    );
    expect(JSON.parse(all)['params.yaml']).toEqual({
      'data.url': {old: 'sample:', new: 'sample:'},
      'train.k': {old: 3, new: 4},
      'train.kRange': {old: [2, 10], new: [2, 10]},
      'train.seed': {old: 0, new: 0},
    });
  });
});

describe('formatting and directions', () => {
  it('rounds to significant digits without exponent noise', () => {
    expect(formatNumber(0.123456789)).toBe('0.12346');
    expect(formatNumber(1618.248)).toBe('1618.2');
    expect(formatNumber(123456.78)).toBe('123457');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(0.5, 3)).toBe('0.5');
  });

  it('knows lower-is-better and neutral metrics, and lets configuration win', () => {
    expect(directionOf('silhouette')).toBe('higher');
    expect(directionOf('davies_bouldin')).toBe('lower');
    expect(directionOf('eval.val_loss')).toBe('lower');
    expect(directionOf('sizes.2')).toBe('neutral');
    expect(directionOf('n_clusters')).toBe('neutral');
    expect(directionOf('n_samples')).toBe('neutral');
    expect(directionOf('rows_after.2_drop_duplicates')).toBe('neutral');
    expect(directionOf('best_k')).toBe('neutral');
    expect(directionOf('silhouette.3')).toBe('higher');
    expect(directionOf('inertia.3')).toBe('lower');
    expect(directionOf('shares.1')).toBe('neutral');
    expect(directionOf('explained_variance_ratio.0')).toBe('neutral');
    expect(directionOf('silhouette', {silhouette: 'lower'})).toBe('lower');
    expect(directionOf('a.inertia', {'a.inertia': 'higher'})).toBe('higher');
  });
});

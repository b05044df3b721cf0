import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {FolderRemote} from '../../runner/src/remote/folder-remote.js';
import {GcsRemote} from '../../runner/src/remote/gcs-remote.js';
import {
  addRemote,
  listRemotes,
  selectRemote,
  setDefaultRemote,
} from '../../runner/src/remote/remote-config.js';
import {testTmp} from '../support/temp-dirs.js';

const PIPELINE = `# yaml-language-server: $schema=./schemas/pipeline.schema.json
remotes: { local: { url: .runner/remote } }   # a git-ignored folder
default_remote: local
stages:
  # the first stage
  download:
    uses: download
    with: { url: "\${data.url}" }     # data.url is tracked
    outs: [data/raw/transactions.parquet]
`;

async function pipelineFile(text = PIPELINE): Promise<string> {
  const file = join(await mkdtemp(join(testTmp(), 'remote-config-')), 'pipeline.yaml');
  await writeFile(file, text);
  return file;
}

describe('remote add / list / default', () => {
  it('adds a remote, keeps every comment and the rest of the file as it was', async () => {
    const file = await pipelineFile();
    expect(await addRemote(file, {name: 'gcs', url: 'gs://my-bucket/runner'})).toEqual({
      ok: true,
      value: undefined,
    });
    const text = await readFile(file, 'utf8');
    for (const line of PIPELINE.split('\n').filter((l) => l.includes('#')))
      expect(text).toContain(line.trim().split('#')[1]!.trim());
    expect(text).toContain('# yaml-language-server: $schema=./schemas/pipeline.schema.json\n');
    expect(text).toContain('  # the first stage\n  download:\n');
    expect(text).toContain('with: { url: "${data.url}" }     # data.url is tracked');
    expect(await listRemotes(file)).toEqual({
      ok: true,
      value: [
        {name: 'local', url: '.runner/remote', isDefault: true},
        {name: 'gcs', url: 'gs://my-bucket/runner', isDefault: false},
      ],
    });
  });

  it('edits only the bytes it changes, in flow and in block style', async () => {
    const flow = await pipelineFile();
    expect((await addRemote(flow, {name: 'gcs', url: 'gs://my-bucket/runner'})).ok).toBe(true);
    expect((await setDefaultRemote(flow, 'gcs')).ok).toBe(true);
    expect(await readFile(flow, 'utf8')).toBe(
      PIPELINE.replace(
        'remotes: { local: { url: .runner/remote } }',
        'remotes: { local: { url: .runner/remote }, gcs: { url: gs://my-bucket/runner } }',
      ).replace('default_remote: local', 'default_remote: gcs'),
    );
    const block = await pipelineFile(
      'remotes:\n  local:\n    url: .runner/remote   # here\n\n# later\nstages:\n  a:\n    outs: [x]   # c\n',
    );
    expect((await addRemote(block, {name: 'gcs', url: 'gs://my-bucket/p'})).ok).toBe(true);
    expect((await addRemote(block, {name: 'local', url: '/abs path', force: true})).ok).toBe(true);
    expect(await readFile(block, 'utf8')).toBe(
      'remotes:\n  local:\n    url: "/abs path"   # here\n  gcs:\n    url: gs://my-bucket/p\ndefault_remote: gcs\n\n# later\nstages:\n  a:\n    outs: [x]   # c\n',
    );
  });

  it('switches the default, refuses unknown names and duplicates, replaces with force', async () => {
    const file = await pipelineFile();
    await addRemote(file, {name: 'gcs', url: 'gs://my-bucket/runner'});
    expect(await setDefaultRemote(file, 'gcs')).toEqual({ok: true, value: undefined});
    expect((await readFile(file, 'utf8')).split('\n')).toContain('default_remote: gcs');
    const unknown = await setDefaultRemote(file, 'nope');
    expect(unknown.ok === false && unknown.error).toContain('known: local, gcs');
    const duplicate = await addRemote(file, {name: 'gcs', url: 'gs://other'});
    expect(duplicate.ok === false && duplicate.error).toContain('already exists');
    expect((await addRemote(file, {name: 'gcs', url: 'gs://other-bucket', force: true})).ok).toBe(
      true,
    );
    const listed = await listRemotes(file);
    expect(listed.ok && listed.value.find((r) => r.name === 'gcs')).toEqual({
      name: 'gcs',
      url: 'gs://other-bucket',
      isDefault: true,
    });
  });

  it('creates the remotes section before stages, and makes the first remote the default', async () => {
    const file = await pipelineFile('# my pipeline\nstages:\n  a:\n    cmd: echo a   # say a\n');
    expect((await addRemote(file, {name: 'store', url: '/srv/runner-cache'})).ok).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(
      '# my pipeline\nremotes:\n  store:\n    url: /srv/runner-cache\ndefault_remote: store\nstages:\n  a:\n    cmd: echo a   # say a\n',
    );
  });

  it('rejects bad names and URLs with a message that says how to fix them', async () => {
    const file = await pipelineFile();
    const badName = await addRemote(file, {name: '../x', url: 'gs://b'});
    expect(badName.ok === false && badName.error).toContain('letters, digits');
    const badScheme = await addRemote(file, {name: 's3', url: 's3://bucket/x'});
    expect(badScheme.ok === false && badScheme.error).toContain(
      'use gs://bucket/prefix or a folder path',
    );
    const badBucket = await addRemote(file, {name: 'g', url: 'gs://UPPER/x'});
    expect(badBucket.ok === false && badBucket.error).toContain('not a valid GCS URL');
    expect(await readFile(file, 'utf8')).toBe(PIPELINE);
  });

  it('selectRemote opens -r NAME or the default: folders relative to the root, gs:// through the client', () => {
    const remotes = new Map([
      ['local', {url: '.runner/remote'}],
      ['gcs', {url: 'gs://bucket/some/prefix/'}],
    ]);
    const local = selectRemote({root: '/project', remotes, defaultRemote: 'local'});
    expect(local.ok && local.value).toBeInstanceOf(FolderRemote);
    expect(local.ok && (local.value as FolderRemote).folder).toBe('/project/.runner/remote');
    const gcs = selectRemote({root: '/project', remotes, defaultRemote: 'local'}, 'gcs');
    expect(gcs.ok && gcs.value).toBeInstanceOf(GcsRemote);
    expect(gcs.ok && gcs.value.url).toBe('gs://bucket/some/prefix');
    const none = selectRemote({root: '/project', remotes, defaultRemote: undefined});
    expect(none.ok === false && none.error).toContain('pass -r NAME');
  });
});

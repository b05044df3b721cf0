import {readFile} from 'node:fs/promises';
import {isMap, isScalar, parseDocument, type Document} from 'yaml';
import {writeFileAtomic} from '../cache/atomic-write.js';
import {err, ok, type Result} from '../util/result.js';
import {isGsUrl, parseGsUrl} from './gcs-url.js';
import {openRemote} from './open-remote.js';
import {RemoteError, type RemoteStore} from './remote-store.js';
import {spliceDefault, spliceRemote} from './yaml-splice.js';

/** A remote as `runner remote list` shows it. */
export interface RemoteConfigEntry {
  readonly name: string;
  readonly url: string;
  readonly isDefault: boolean;
}

const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

async function loadDocument(file: string): Promise<Result<{doc: Document; text: string}, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return err(`${file}: cannot be read: ${(error as Error).message}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    return err(
      `${file}: not valid YAML (${doc.errors[0]?.message ?? 'parse error'}); fix it first.`,
    );
  if (doc.contents !== null && !isMap(doc.contents))
    return err(`${file}: the top level must be a mapping (remotes:, stages:, ...).`);
  return ok({doc, text});
}

/**
 * Applies an edit by splicing text (formatting kept byte for byte), and checks the result means
 * what the same edit through the Document API means; when it does not, writes the Document's
 * output instead (comments kept, spacing normalised).
 */
async function writeEdit(
  file: string,
  text: string,
  splice: (text: string, doc: Document) => string | undefined,
  edit: (doc: Document) => void,
): Promise<void> {
  const reference = parseDocument(text);
  edit(reference);
  const expected = JSON.stringify(reference.toJS());
  let next = splice(text, parseDocument(text));
  if (next !== undefined) {
    const check = parseDocument(next);
    if (check.errors.length > 0 || JSON.stringify(check.toJS()) !== expected) next = undefined;
  }
  await writeFileAtomic(file, next ?? reference.toString());
}

function remotesOf(doc: Document): RemoteConfigEntry[] {
  const remotes = doc.get('remotes');
  const defaultName = doc.get('default_remote');
  if (!isMap(remotes)) return [];
  return remotes.items.flatMap((pair) => {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const url = isMap(pair.value) ? pair.value.get('url') : undefined;
    return name !== undefined && typeof url === 'string'
      ? [{name, url, isDefault: name === defaultName}]
      : [];
  });
}

function checkUrl(url: string): string | undefined {
  if (url.trim() === '') return 'A remote URL cannot be empty.';
  try {
    if (isGsUrl(url)) parseGsUrl(url);
    else openRemote(url, '/');
    return undefined;
  } catch (error) {
    if (error instanceof RemoteError) return error.message;
    throw error;
  }
}

/** `runner remote list`: the remotes of pipeline.yaml, in file order. */
export async function listRemotes(
  pipelineFile: string,
): Promise<Result<RemoteConfigEntry[], string>> {
  const loaded = await loadDocument(pipelineFile);
  return loaded.ok ? ok(remotesOf(loaded.value.doc)) : loaded;
}

/**
 * `runner remote add NAME URL [--default] [--force]`: adds (or with `force` replaces) a remote in
 * pipeline.yaml, editing the YAML document so comments and formatting elsewhere stay as they are.
 */
export async function addRemote(
  pipelineFile: string,
  options: {name: string; url: string; makeDefault?: boolean; force?: boolean},
): Promise<Result<void, string>> {
  if (!REMOTE_NAME.test(options.name))
    return err(
      `Remote name ${JSON.stringify(options.name)} is not valid: use letters, digits, '_', '.', '-'.`,
    );
  const badUrl = checkUrl(options.url);
  if (badUrl) return err(badUrl);
  const loaded = await loadDocument(pipelineFile);
  if (!loaded.ok) return loaded;
  const {doc, text} = loaded.value;
  if (remotesOf(doc).some((r) => r.name === options.name) && !options.force)
    return err(
      `Remote ${options.name} already exists in ${pipelineFile}; use --force to replace its URL.`,
    );
  const makeDefault = options.makeDefault === true || !doc.has('default_remote');
  await writeEdit(
    pipelineFile,
    text,
    (t, d) => {
      const added = spliceRemote(t, d, options.name, options.url);
      return added !== undefined && makeDefault
        ? spliceDefault(added, parseDocument(added), options.name)
        : added;
    },
    (d) => {
      if (!d.has('remotes')) {
        // A new section goes before `stages:`, where a reader expects settings.
        const pair = d.createPair('remotes', {});
        const items = isMap(d.contents) ? d.contents.items : [];
        const at = items.findIndex((item) => isScalar(item.key) && item.key.value === 'stages');
        items.splice(at === -1 ? items.length : at, 0, pair as (typeof items)[number]);
      }
      d.setIn(['remotes', options.name], d.createNode({url: options.url}));
      if (makeDefault) setDefault(d, options.name);
    },
  );
  return ok(undefined);
}

function setDefault(doc: Document, name: string): void {
  if (doc.has('default_remote')) {
    doc.set('default_remote', name);
    return;
  }
  const items = isMap(doc.contents) ? doc.contents.items : [];
  const at = items.findIndex((item) => isScalar(item.key) && item.key.value === 'remotes');
  const pair = doc.createPair('default_remote', name);
  if (isMap(doc.contents))
    items.splice(at === -1 ? items.length : at + 1, 0, pair as (typeof items)[number]);
}

/** `runner remote default NAME`: makes an existing remote the default. */
export async function setDefaultRemote(
  pipelineFile: string,
  name: string,
): Promise<Result<void, string>> {
  const loaded = await loadDocument(pipelineFile);
  if (!loaded.ok) return loaded;
  const known = remotesOf(loaded.value.doc).map((r) => r.name);
  if (!known.includes(name))
    return err(
      `No remote named ${name} in ${pipelineFile} (known: ${known.join(', ') || 'none'}); add it with \`runner remote add ${name} URL\`.`,
    );
  await writeEdit(
    pipelineFile,
    loaded.value.text,
    (t, d) => spliceDefault(t, d, name),
    (d) => setDefault(d, name),
  );
  return ok(undefined);
}

/**
 * The remote a command should use: `name` (from `-r`), else the default remote. Takes what the
 * analyzer read (PipelinePlan's root, remotes and defaultRemote).
 */
export function selectRemote(
  config: {
    root: string;
    remotes: ReadonlyMap<string, {url: string}>;
    defaultRemote: string | undefined;
  },
  name?: string,
): Result<RemoteStore, string> {
  const chosen = name ?? config.defaultRemote;
  if (chosen === undefined)
    return err(
      'No remote given and no default_remote in pipeline.yaml: pass -r NAME or run `runner remote add NAME URL --default`.',
    );
  const spec = config.remotes.get(chosen);
  if (!spec)
    return err(
      `No remote named ${chosen} (known: ${[...config.remotes.keys()].join(', ') || 'none'}).`,
    );
  try {
    return ok(openRemote(spec.url, config.root));
  } catch (error) {
    if (error instanceof RemoteError) return err(`Remote ${chosen}: ${error.message}`);
    throw error;
  }
}

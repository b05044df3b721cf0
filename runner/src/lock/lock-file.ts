import {readFile} from 'node:fs/promises';
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Document} from 'yaml';
import {writeFileAtomic} from '../cache/atomic-write.js';
import {compareCodeUnits} from '../hashing/dir-manifest.js';
import {err, ok, type Result} from '../util/result.js';
import {OrderedMap, yamlDocument} from './lock-yaml.js';

/** A dep or out as recorded: path relative to the root (POSIX), md5 (`.dir` for a folder), bytes. */
export interface LockPath {
  readonly path: string;
  readonly md5: string;
  readonly size: number;
  /** Number of files, for a directory. */
  readonly nfiles?: number;
}

/** What a stage last ran with and produced. */
export interface LockStage {
  readonly kind:
    | {readonly cmd: readonly string[]}
    | {readonly plugin: string; readonly version: string; readonly codeHash: string};
  /** params file -> key -> value used. */
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The plugin's resolved `with:`. */
  readonly with?: Readonly<Record<string, unknown>>;
  readonly deps: readonly LockPath[];
  readonly outs: readonly LockPath[];
  readonly fingerprint: string;
}

/** pipeline.lock: the record of truth of what ran, committed to git. */
export interface LockFile {
  readonly schema: 1;
  readonly stages: Readonly<Record<string, LockStage>>;
}

/**
 * YAML with a fixed shape so that equal locks are equal bytes and diffs stay small: stages sorted
 * by name, keys in a fixed order (kind, params, with, deps, outs, fingerprint), deps and outs
 * sorted by path, params and `with:` keys sorted at every depth, empty sections dropped.
 */
export function serializeLock(lock: LockFile): string {
  const names = Object.keys(lock.stages).sort(compareCodeUnits);
  const stages = names.map((name) => [name, stageForYaml(lock.stages[name]!)] as const);
  return yamlDocument(
    new OrderedMap(
      stages.length > 0
        ? [
            ['schema', 1],
            ['stages', new OrderedMap(stages)],
          ]
        : [['schema', 1]],
    ),
  );
}

function stageForYaml(stage: LockStage): OrderedMap {
  const entries: [string, unknown][] = [];
  entries.push([
    'kind',
    'cmd' in stage.kind
      ? new OrderedMap([['cmd', stage.kind.cmd]])
      : new OrderedMap([
          ['plugin', stage.kind.plugin],
          ['version', stage.kind.version],
          ['codeHash', stage.kind.codeHash],
        ]),
  ]);
  // Plain objects below are written with their keys sorted at every depth.
  const params = Object.fromEntries(
    Object.entries(stage.params ?? {}).filter(([, keys]) => Object.keys(keys).length > 0),
  );
  if (Object.keys(params).length > 0) entries.push(['params', params]);
  if (stage.with !== undefined && Object.keys(stage.with).length > 0)
    entries.push(['with', stage.with]);
  if (stage.deps.length > 0) entries.push(['deps', sortPaths(stage.deps)]);
  if (stage.outs.length > 0) entries.push(['outs', sortPaths(stage.outs)]);
  entries.push(['fingerprint', stage.fingerprint]);
  return new OrderedMap(entries);
}

function sortPaths(paths: readonly LockPath[]): OrderedMap[] {
  return [...paths]
    .sort((a, b) => compareCodeUnits(a.path, b.path))
    .map(
      (p) =>
        new OrderedMap([
          ['path', p.path],
          ['md5', p.md5],
          ['size', p.size],
          ...(p.nfiles === undefined ? [] : [['nfiles', p.nfiles] as const]),
        ]),
    );
}

/**
 * Reads and checks a lock file. `ok(undefined)` when it does not exist; an error text naming
 * `file:line:col` for each problem when it is not a valid lock.
 */
export async function readLock(file: string): Promise<Result<LockFile | undefined, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
    return err(`${file}: cannot be read: ${(error as Error).message}`);
  }
  return parseLock(text, file);
}

/** Parses lock text; `file` is only used in messages. */
export function parseLock(text: string, file: string): Result<LockFile, string> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {lineCounter, uniqueKeys: true, prettyErrors: false});
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return file;
    const {line, col} = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    return err(doc.errors.map((e) => `${where(e.pos[0])}: ${e.message.split('\n')[0]}`).join('\n'));
  }
  const problems: string[] = [];
  const report: Report = (at, message, atKey = false) => {
    problems.push(`${where(atKey ? keyOffsetOf(doc, at) : offsetOf(doc, at))}: ${message}`);
  };
  const value: unknown = doc.toJS();
  const lock = checkLock(value, report);
  if (problems.length > 0 || lock === undefined) {
    const hint = `\n${file}: the lock is written by the runner; restore it from git (git checkout -- ${file}) or delete it to run every stage again`;
    return err(problems.join('\n') + hint);
  }
  return ok(lock);
}

/** Offset of the node at `at` (or of its nearest existing parent). */
function offsetOf(doc: Document, at: readonly (string | number)[]): number | undefined {
  for (let depth = at.length; depth >= 0; depth--) {
    const node = doc.getIn(at.slice(0, depth), true) as
      {range?: [number, number, number]} | undefined;
    if (node?.range !== undefined) {
      // For a missing key, point at the mapping that lacks it.
      return node.range[0];
    }
    if (depth === 0 && (isMap(doc.contents) || isSeq(doc.contents))) return doc.contents.range?.[0];
  }
  return undefined;
}

/** Offset of the key of the entry at `at` (for an unknown key, point at the key, not its value). */
function keyOffsetOf(doc: Document, at: readonly (string | number)[]): number | undefined {
  const parent = doc.getIn(at.slice(0, -1), true);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === at.at(-1));
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return offsetOf(doc, at);
}

type Report = (at: readonly (string | number)[], message: string, atKey?: boolean) => void;

function checkLock(value: unknown, report: Report): LockFile | undefined {
  if (!isRecord(value)) {
    report([], 'expected a mapping with `schema: 1` and `stages`');
    return undefined;
  }
  unknownKeys(value, ['schema', 'stages'], [], report);
  if (value['schema'] !== 1) {
    report(
      ['schema'],
      `unsupported schema ${JSON.stringify(value['schema'])}: this runner reads schema 1`,
    );
  }
  const stagesValue = value['stages'] ?? {};
  if (!isRecord(stagesValue)) {
    report(['stages'], 'expected `stages` to be a mapping of stage name to entry');
    return undefined;
  }
  const stages: Record<string, LockStage> = {};
  for (const [name, entry] of Object.entries(stagesValue)) {
    const stage = checkStage(entry, ['stages', name], report);
    if (stage !== undefined) stages[name] = stage;
  }
  return {schema: 1, stages};
}

function checkStage(value: unknown, at: string[], report: Report): LockStage | undefined {
  if (!isRecord(value)) {
    report(at, 'expected a stage entry (a mapping)');
    return undefined;
  }
  unknownKeys(value, ['kind', 'params', 'with', 'deps', 'outs', 'fingerprint'], at, report);
  const kind = checkKind(value['kind'], [...at, 'kind'], report);
  const deps = checkPaths(value['deps'], [...at, 'deps'], report);
  const outs = checkPaths(value['outs'], [...at, 'outs'], report);
  const fingerprint = value['fingerprint'];
  if (typeof fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(fingerprint)) {
    report([...at, 'fingerprint'], 'expected `fingerprint`: 64 lowercase hex digits');
  }
  let params: Record<string, Record<string, unknown>> | undefined;
  if (value['params'] !== undefined) {
    if (!isRecord(value['params']) || !Object.values(value['params']).every(isRecord)) {
      report([...at, 'params'], 'expected `params` to map a params file to {key: value}');
    } else {
      params = value['params'] as Record<string, Record<string, unknown>>;
    }
  }
  let withValue: Record<string, unknown> | undefined;
  if (value['with'] !== undefined) {
    if (!isRecord(value['with'])) report([...at, 'with'], 'expected `with` to be a mapping');
    else withValue = value['with'];
  }
  if (
    kind === undefined ||
    deps === undefined ||
    outs === undefined ||
    typeof fingerprint !== 'string'
  ) {
    return undefined;
  }
  return {
    kind,
    ...(params === undefined ? {} : {params}),
    ...(withValue === undefined ? {} : {with: withValue}),
    deps,
    outs,
    fingerprint,
  };
}

function checkKind(value: unknown, at: string[], report: Report): LockStage['kind'] | undefined {
  if (isRecord(value) && Array.isArray(value['cmd'])) {
    unknownKeys(value, ['cmd'], at, report);
    if (value['cmd'].every((c) => typeof c === 'string')) return {cmd: value['cmd'] as string[]};
    report([...at, 'cmd'], 'expected `cmd` to be a list of strings');
    return undefined;
  }
  if (isRecord(value) && 'plugin' in value) {
    unknownKeys(value, ['plugin', 'version', 'codeHash'], at, report);
    const {plugin, version, codeHash} = value;
    if (typeof plugin === 'string' && typeof version === 'string' && typeof codeHash === 'string') {
      return {plugin, version, codeHash};
    }
    report(at, 'expected `plugin`, `version` and `codeHash` to be strings');
    return undefined;
  }
  report(at, 'expected `kind` to be {cmd: [..]} or {plugin, version, codeHash}');
  return undefined;
}

function checkPaths(value: unknown, at: string[], report: Report): LockPath[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report(at, 'expected a list of {path, md5, size}');
    return undefined;
  }
  const paths: LockPath[] = [];
  let valid = true;
  value.forEach((item: unknown, i) => {
    const here = [...at, i];
    if (!isRecord(item)) {
      report(here, 'expected {path, md5, size}');
      valid = false;
      return;
    }
    unknownKeys(item, ['path', 'md5', 'size', 'nfiles'], here, report);
    const {path, md5, size, nfiles} = item;
    if (typeof path !== 'string' || path === '') {
      report([...here, 'path'], 'expected `path` to be a non-empty string');
      valid = false;
    }
    if (typeof md5 !== 'string' || !/^[0-9a-f]{32}(\.dir)?$/.test(md5)) {
      report([...here, 'md5'], 'expected `md5`: 32 lowercase hex digits, with `.dir` for a folder');
      valid = false;
    }
    if (!isCount(size)) {
      report([...here, 'size'], 'expected `size` to be a whole number of bytes');
      valid = false;
    }
    if (nfiles !== undefined && !isCount(nfiles)) {
      report([...here, 'nfiles'], 'expected `nfiles` to be a whole number');
      valid = false;
    }
    if (valid) {
      paths.push({
        path: path as string,
        md5: md5 as string,
        size: size as number,
        ...(nfiles === undefined ? {} : {nfiles: nfiles as number}),
      });
    }
  });
  return valid ? paths : undefined;
}

function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  at: readonly (string | number)[],
  report: Report,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      report([...at, key], `unknown key \`${key}\` (expected one of: ${known.join(', ')})`, true);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Writes the lock atomically (temp, fsync, rename); does nothing when the file already holds
 * these exact bytes, so an unchanged run does not touch the file's mtime.
 */
export async function writeLock(file: string, lock: LockFile): Promise<void> {
  const text = serializeLock(lock);
  try {
    if ((await readFile(file, 'utf8')) === text) return;
  } catch {
    // Absent or unreadable: write it.
  }
  await writeFileAtomic(file, text, {fsync: true});
}

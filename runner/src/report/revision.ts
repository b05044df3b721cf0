import {readFile, readdir} from 'node:fs/promises';
import {join, posix} from 'node:path';
import {execa} from 'execa';
import {ReportFailure} from './failure.js';
import {cacheObjectPath, lockedPaths, parseDirManifest, type LockedPath} from './lock-lookup.js';

/** A git revision (`HEAD~1`, `main`, a sha) or the files on disk. */
export type Revision = string;
export const WORKSPACE: Revision = 'workspace';

/** Where a file was found, or why it was not. */
export type ReadOutcome =
  | {readonly found: true; readonly bytes: Buffer; readonly from: 'git' | 'workspace' | 'cache'}
  | {readonly found: false; readonly why: string};

/** Fetches a cache object the local cache lacks (e.g. from the default remote); undefined if absent. */
export type FetchObject = (md5: string) => Promise<Buffer | undefined>;

/** The project's files as they were at one revision. Paths are POSIX, relative to the root. */
export interface RevisionFiles {
  readonly root: string;
  readonly rev: Revision;
  /** For headings: `HEAD~1 (1a2b3c4)`, a short commit id, or `workspace`. */
  readonly label: string;
  read(path: string): Promise<ReadOutcome>;
  /** Files at or under `path` (a file or a folder), sorted; cached outs are included. */
  list(path: string): Promise<string[]>;
}

export interface OpenRevisionOptions {
  readonly fetchObject?: FetchObject;
}

/**
 * Opens a revision of the project at `root`. Files tracked by git come from git; files git does
 * not track (cached outs, metrics, plots) come from the cache through that revision's
 * pipeline.lock, as DESIGN section 5 specifies.
 */
export async function openRevision(
  root: string,
  rev: Revision,
  options: OpenRevisionOptions = {},
): Promise<RevisionFiles> {
  const source = rev === WORKSPACE ? workspaceSource(root) : await gitSource(root, rev);
  return revisionFiles(root, rev, source, options.fetchObject);
}

/** Reads one file at a revision (or the workspace), with the lock-and-cache fallback. */
export async function readAtRevision(
  root: string,
  rev: Revision,
  path: string,
  options: OpenRevisionOptions = {},
): Promise<Buffer | undefined> {
  const outcome = await (await openRevision(root, rev, options)).read(path);
  return outcome.found ? outcome.bytes : undefined;
}

/** The primary store of a revision: git's tree, or the disk. */
interface Source {
  readonly label: string;
  read(path: string): Promise<Buffer | undefined>;
  list(path: string): Promise<string[]>;
}

function revisionFiles(
  root: string,
  rev: Revision,
  source: Source,
  fetchObject: FetchObject | undefined,
): RevisionFiles {
  let locked: Promise<Map<string, LockedPath>> | undefined;
  const lock = (): Promise<Map<string, LockedPath>> =>
    (locked ??= source
      .read('pipeline.lock')
      .then((bytes) => (bytes ? lockedPaths(bytes.toString('utf8')) : new Map())));
  const manifests = new Map<string, Promise<{relpath: string; md5: string}[] | undefined>>();

  const readObject = async (md5: string): Promise<Buffer | undefined> => {
    const local = await readIfExists(join(root, cacheObjectPath(md5)));
    return local ?? (fetchObject ? await fetchObject(md5) : undefined);
  };
  const manifest = (md5: string): Promise<{relpath: string; md5: string}[] | undefined> => {
    let entry = manifests.get(md5);
    if (!entry) {
      entry = readObject(md5).then((bytes) => (bytes ? parseDirManifest(bytes) : undefined));
      manifests.set(md5, entry);
    }
    return entry;
  };

  /** The md5 the lock records for `path`, directly or inside a locked directory. */
  const lockedMd5 = async (path: string): Promise<string | 'missing-manifest' | undefined> => {
    const paths = await lock();
    const direct = paths.get(path);
    if (direct && !direct.md5.endsWith('.dir')) return direct.md5;
    for (const entry of paths.values()) {
      if (!entry.md5.endsWith('.dir') || !path.startsWith(`${entry.path}/`)) continue;
      const files = await manifest(entry.md5);
      if (!files) return 'missing-manifest';
      const relpath = path.slice(entry.path.length + 1);
      return files.find((file) => file.relpath === relpath)?.md5;
    }
    return undefined;
  };

  return {
    root,
    rev,
    label: source.label,
    async read(path) {
      const direct = await source.read(path);
      if (direct)
        return {found: true, bytes: direct, from: rev === WORKSPACE ? 'workspace' : 'git'};
      const md5 = await lockedMd5(path);
      const where = rev === WORKSPACE ? 'the workspace' : `revision ${rev}`;
      if (md5 === undefined) {
        return {found: false, why: `${path} is neither in ${where} nor in its pipeline.lock`};
      }
      if (md5 === 'missing-manifest') {
        return {
          found: false,
          why: `the folder holding ${path} at ${where} is not in the local cache; run \`runner pull\``,
        };
      }
      const bytes = await readObject(md5);
      if (bytes) return {found: true, bytes, from: 'cache'};
      return {
        found: false,
        why: `${path} at ${where} (md5 ${md5}) is not in the local cache; run \`runner pull\` to fetch it`,
      };
    },
    async list(path) {
      const found = new Set(await source.list(path));
      const under = (candidate: string): boolean =>
        candidate === path || candidate.startsWith(`${path}/`);
      for (const entry of (await lock()).values()) {
        if (!entry.md5.endsWith('.dir')) {
          if (under(entry.path)) found.add(entry.path);
          continue;
        }
        if (!under(entry.path) && !path.startsWith(`${entry.path}/`)) continue;
        for (const file of (await manifest(entry.md5)) ?? []) {
          const full = `${entry.path}/${file.relpath}`;
          if (under(full)) found.add(full);
        }
      }
      return [...found].sort();
    },
  };
}

function workspaceSource(root: string): Source {
  return {
    label: WORKSPACE,
    read: (path) => readIfExists(join(root, path)),
    async list(path) {
      const files: string[] = [];
      const walk = async (rel: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(join(root, rel), {withFileTypes: true});
        } catch (error) {
          if (isErrno(error, 'ENOTDIR')) files.push(rel);
          else if (!isErrno(error, 'ENOENT')) throw error;
          return;
        }
        for (const entry of entries) {
          const child = posix.join(rel, entry.name);
          if (entry.isDirectory()) await walk(child);
          else if (entry.isFile()) files.push(child);
        }
      };
      await walk(path);
      return files.sort();
    },
  };
}

async function gitSource(root: string, rev: Revision): Promise<Source> {
  const resolved = await execa('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
    cwd: root,
    reject: false,
  });
  if (resolved.exitCode !== 0) {
    const inRepo = await execa('git', ['rev-parse', '--git-dir'], {cwd: root, reject: false});
    if (inRepo.exitCode !== 0) {
      throw new ReportFailure(
        'not-a-git-repo',
        `${root} is not inside a git repository, so revision ${rev} cannot be read; compare against the workspace or run \`git init\``,
      );
    }
    throw new ReportFailure(
      'unknown-revision',
      `unknown git revision "${rev}" in ${root}; use a branch, tag or commit (\`git log --oneline\`), and fetch history in CI (fetch-depth: 0)`,
    );
  }
  const sha = resolved.stdout.trim();
  // ls-tree run inside the root lists paths relative to it, so a project in a subfolder works.
  const tree = await execa('git', ['ls-tree', '-r', '-z', '--name-only', sha], {cwd: root});
  const tracked = tree.stdout.split('\0').filter((name) => name !== '');
  const trackedSet = new Set(tracked);
  return {
    label: sha.startsWith(rev) ? sha.slice(0, 7) : `${rev} (${sha.slice(0, 7)})`,
    async read(path) {
      if (!trackedSet.has(path)) return undefined;
      const shown = await execa('git', ['cat-file', 'blob', `${sha}:./${path}`], {
        cwd: root,
        encoding: 'buffer',
      });
      return Buffer.from(shown.stdout);
    },
    list: async (path) =>
      tracked.filter((name) => name === path || name.startsWith(`${path}/`)).sort(),
  };
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'EISDIR') || isErrno(error, 'ENOTDIR')) {
      return undefined;
    }
    throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

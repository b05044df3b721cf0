import path from 'node:path';

/** A path as written in the pipeline, normalised for the plan, or why it cannot be used. */
export type NormalisedPath =
  | {readonly ok: true; readonly path: string}
  | {
      readonly ok: false;
      readonly reason: 'path-escapes-root' | 'invalid-path';
      readonly message: string;
    };

/**
 * Normalises a path from pipeline.yaml to POSIX, relative to the project root, with no `./` and no
 * trailing `/`. Relative paths are taken from `wdir` (root-relative), as DVC does; absolute paths
 * are accepted only inside the root.
 * @param what how to name the path in messages, e.g. `Dep "x"`.
 */
export function normaliseProjectPath(
  raw: string,
  wdir: string,
  root: string,
  what: string,
): NormalisedPath {
  if (raw.trim() === '') {
    return {
      ok: false,
      reason: 'invalid-path',
      message: `${what} is empty. Write a file or folder path.`,
    };
  }
  let relative: string;
  if (path.isAbsolute(raw)) {
    const inside = path.relative(root, raw).split(path.sep).join('/');
    if (inside === '..' || inside.startsWith('../') || path.isAbsolute(inside)) {
      return {
        ok: false,
        reason: 'path-escapes-root',
        message: `${what} is an absolute path outside the project folder. Paths must stay inside the project folder so runs are reproducible on other machines; use a path relative to the pipeline file.`,
      };
    }
    relative = path.posix.normalize(inside === '' ? '.' : inside);
  } else {
    relative = path.posix.normalize(path.posix.join(wdir === '' ? '.' : wdir, raw));
  }
  relative = relative.replace(/\/+$/, '');
  if (relative === '..' || relative.startsWith('../')) {
    return {
      ok: false,
      reason: 'path-escapes-root',
      message: `${what} leaves the project folder${relative === raw ? '' : ` (it resolves to "${relative}" from the root)`}. Keep every path inside the project, next to or below the pipeline file.`,
    };
  }
  if (relative === '.' || relative === '') {
    return {
      ok: false,
      reason: 'invalid-path',
      message: `${what} is the project root itself. Name a file or folder inside the project.`,
    };
  }
  return {ok: true, path: relative};
}

/** Normalises `wdir` the same way; '' means the root. */
export function normaliseWdir(raw: string, root: string): string | undefined {
  const resolved = path.isAbsolute(raw)
    ? path.relative(root, raw).split(path.sep).join('/')
    : path.posix.normalize(raw);
  const relative = resolved.replace(/\/+$/, '');
  if (relative === '..' || relative.startsWith('../') || path.isAbsolute(relative))
    return undefined;
  return relative === '.' ? '' : relative;
}

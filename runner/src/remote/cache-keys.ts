import {join} from 'node:path';

/** A cache object id: a hex md5, or `<md5>.dir` for a directory manifest. */
export type ObjectId = string;

const OBJECT_ID = /^[0-9a-f]{32}(\.dir)?$/;
const RUN_KEY = /^runs\/([^/]+)\.json$/;

export function isObjectId(value: string): boolean {
  return OBJECT_ID.test(value);
}

export function isDirId(id: ObjectId): boolean {
  return id.endsWith('.dir');
}

/** The md5 the object's bytes must have (a manifest's md5 is its id without `.dir`). */
export function contentMd5(id: ObjectId): string {
  return isDirId(id) ? id.slice(0, -'.dir'.length) : id;
}

/** Key of an object in a remote, mirroring the cache: `files/md5/ab/cdef...`. */
export function objectKey(id: ObjectId): string {
  return `files/md5/${id.slice(0, 2)}/${id.slice(2)}`;
}

/** Inverse of {@link objectKey}; `undefined` for keys that are not objects (e.g. temp files). */
export function objectIdFromKey(key: string): ObjectId | undefined {
  const match = /^files\/md5\/([0-9a-f]{2})\/([0-9a-f]{30}(?:\.dir)?)$/.exec(key);
  return match ? `${match[1]}${match[2]}` : undefined;
}

/** The folder key an object lives in (`files/md5/ab/`), the unit one list call covers. */
export function objectFolderKey(id: ObjectId): string {
  return `files/md5/${id.slice(0, 2)}/`;
}

export function runKey(fingerprint: string): string {
  return `runs/${fingerprint}.json`;
}

export function fingerprintFromRunKey(key: string): string | undefined {
  return RUN_KEY.exec(key)?.[1];
}

/** Local path of an object in `<root>/.runner/cache`, the same layout as the remote. */
export function localObjectPath(cacheDir: string, id: ObjectId): string {
  return join(cacheDir, ...objectKey(id).split('/'));
}

export function localRunPath(cacheDir: string, fingerprint: string): string {
  return join(cacheDir, ...runKey(fingerprint).split('/'));
}

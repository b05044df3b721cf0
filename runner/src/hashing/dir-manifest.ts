import {createHash} from 'node:crypto';

/** One file of a directory: its POSIX path relative to the directory, and its md5. */
export interface ManifestEntry {
  readonly relpath: string;
  readonly md5: string;
}

/** A file hash: 32 lowercase hex digits. */
export const MD5_HEX = /^[0-9a-f]{32}$/;

/** Suffix that marks a directory hash (and its manifest object in the cache). */
export const DIR_SUFFIX = '.dir';

/** The manifest's bytes: canonical JSON of the entries sorted by relpath. */
export function manifestText(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareCodeUnits(a.relpath, b.relpath));
  // Written by hand (a directory may hold many thousands of files); equal to
  // canonicalJson(sorted.map(({relpath, md5}) => ({relpath, md5}))), which a test checks.
  const parts = sorted.map(
    ({relpath, md5}) => `{"md5":${JSON.stringify(md5)},"relpath":${JSON.stringify(relpath)}}`,
  );
  return `[${parts.join(',')}]`;
}

/** `<md5 of the manifest text>.dir`. */
export function manifestHash(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex') + DIR_SUFFIX;
}

/** Parses a manifest; undefined when the text is not one. */
export function parseManifest(text: string): ManifestEntry[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const entries: ManifestEntry[] = [];
  for (const item of parsed as unknown[]) {
    if (typeof item !== 'object' || item === null) return undefined;
    const {relpath, md5} = item as Record<string, unknown>;
    if (typeof relpath !== 'string' || typeof md5 !== 'string') return undefined;
    if (!isSafeRelpath(relpath) || !MD5_HEX.test(md5)) {
      return undefined;
    }
    entries.push({relpath, md5});
  }
  return entries;
}

/** A manifest path must stay inside its directory when restored. */
function isSafeRelpath(relpath: string): boolean {
  return (
    relpath !== '' &&
    !relpath.startsWith('/') &&
    !relpath.includes('\\') &&
    !relpath.includes('\0') &&
    relpath.split('/').every((part) => part !== '' && part !== '.' && part !== '..')
  );
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import {RemoteError} from './remote-store.js';

/** A parsed `gs://bucket/prefix` URL; `prefix` has no leading or trailing slash ('' for none). */
export interface GsLocation {
  readonly bucket: string;
  readonly prefix: string;
}

// Bucket names: 3-63 (up to 222 with dots) lower-case letters, digits, dashes, underscores, dots.
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/;

export function isGsUrl(url: string): boolean {
  return url.startsWith('gs://');
}

export function parseGsUrl(url: string): GsLocation {
  const rest = url.slice('gs://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
  if (!isGsUrl(url) || !BUCKET.test(bucket)) {
    throw new RemoteError(
      'bad-url',
      `${JSON.stringify(url)} is not a valid GCS URL: write gs://BUCKET/optional/prefix, ` +
        `with a bucket name of lower-case letters, digits, dots, dashes or underscores.`,
    );
  }
  return {bucket, prefix};
}

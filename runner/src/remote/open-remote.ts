import {isAbsolute, resolve} from 'node:path';
import {FolderRemote} from './folder-remote.js';
import {GcsRemote, type GcsRemoteOptions} from './gcs-remote.js';
import {isGsUrl, parseGsUrl} from './gcs-url.js';
import {RemoteError, type RemoteStore} from './remote-store.js';

/**
 * Opens the remote a URL names: `gs://bucket/prefix`, or a folder (absolute, or relative to the
 * project root). Throws {@link RemoteError} `bad-url` for other schemes.
 */
export function openRemote(url: string, root: string, options: GcsRemoteOptions = {}): RemoteStore {
  if (isGsUrl(url)) return new GcsRemote(parseGsUrl(url), options);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme && scheme[1]?.toLowerCase() !== 'file') {
    throw new RemoteError(
      'bad-url',
      `Remote URL ${JSON.stringify(url)} uses an unsupported scheme "${scheme[1]}": ` +
        `use gs://bucket/prefix or a folder path.`,
    );
  }
  if (url.trim() === '') throw new RemoteError('bad-url', 'A remote URL cannot be empty.');
  const path = scheme ? new URL(url).pathname : url;
  return new FolderRemote(isAbsolute(path) ? path : resolve(root, path), url);
}

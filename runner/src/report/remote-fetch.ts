import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {contentMd5, localObjectPath, objectKey} from '../remote/cache-keys.js';
import {RemoteError, type RemoteStore} from '../remote/remote-store.js';
import {ReportFailure} from './failure.js';
import type {FetchObject} from './revision.js';

/**
 * Fetches a cache object the local cache lacks from a remote, into the local cache (md5
 * checked on arrival, read-only like every cache object), so a CI machine that only pulled
 * the PR's outputs can still show the base revision's metrics and plots (DESIGN section 5).
 */
export function fetchFromRemote(root: string, remote: RemoteStore): FetchObject {
  const cacheDir = join(root, '.runner', 'cache');
  return async (id) => {
    const key = objectKey(id);
    try {
      if ((await remote.stat(key)) === undefined) return undefined;
      const target = localObjectPath(cacheDir, id);
      await remote.download(key, target, {expectedMd5: contentMd5(id), mode: 0o444});
      return await readFile(target);
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      throw new ReportFailure(
        'file-unreadable',
        `could not fetch ${key} from the remote ${remote.url}: ${error.message}`,
      );
    }
  };
}

import {objectFolderKey, objectIdFromKey, objectKey, type ObjectId} from './cache-keys.js';
import {mapSettled} from './map-limit.js';
import type {RemoteStore} from './remote-store.js';

/**
 * Which of `ids` the remote holds, with their sizes, asking as little as possible: one listing per object folder
 * (`files/md5/ab/`) when several wanted objects share folders, else one stat per object. Both
 * run `jobs` requests at a time.
 */
export async function presentOnRemote(
  remote: RemoteStore,
  ids: Iterable<ObjectId>,
  jobs: number,
): Promise<Map<ObjectId, number>> {
  const wanted = [...new Set(ids)];
  const folders = [...new Set(wanted.map(objectFolderKey))].sort();
  const present = new Map<ObjectId, number>();
  const settle = <T>(results: PromiseSettledResult<T>[]): T[] =>
    results.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
  if (folders.length < wanted.length) {
    const wantedSet = new Set(wanted);
    const listings = settle(
      await mapSettled(folders, jobs, async (folder) => {
        const found: [ObjectId, number][] = [];
        for await (const entry of remote.list(folder)) {
          const id = objectIdFromKey(entry.key);
          if (id !== undefined && wantedSet.has(id)) found.push([id, entry.size]);
        }
        return found;
      }),
    );
    for (const found of listings) for (const [id, size] of found) present.set(id, size);
  } else {
    const stats = settle(
      await mapSettled(wanted, jobs, async (id) => [id, await remote.stat(objectKey(id))] as const),
    );
    for (const [id, info] of stats) if (info) present.set(id, info.size);
  }
  return present;
}

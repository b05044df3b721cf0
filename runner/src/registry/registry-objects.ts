import type {RemoteStore} from '../remote/remote-store.js';
import {isVersionMeta, MODELS_PREFIX} from './registry-layout.js';

/** Cache object ids (md5s) of every published bundle file, so gc keeps them. */
export async function registryObjectIds(remote: RemoteStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of remote.list(MODELS_PREFIX)) {
    if (!entry.key.endsWith('/meta.json')) continue;
    const meta = await remote.readJson(entry.key);
    if (isVersionMeta(meta)) ids.push(...Object.values(meta.files).map((file) => file.md5));
  }
  return ids;
}

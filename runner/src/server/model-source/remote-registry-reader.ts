import {existsSync} from 'node:fs';
import {mkdir, rename, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {downloadVersion, readAlias} from '../../registry/index.js';
import type {RemoteStore} from '../../remote/remote-store.js';
import type {RegistryReader} from './alias-model-source.js';

/**
 * The model registry on a remote (folder or gs://), as `serve --alias` reads it. Versions are
 * downloaded once into `cacheDir/<name>/<version>/` (md5-verified, moved into place whole), so a
 * restart or a rollback to a version seen before costs no transfer.
 */
export function remoteRegistryReader(remote: RemoteStore, cacheDir: string): RegistryReader {
  return {
    async resolveAlias(name, alias) {
      const record = await readAlias(remote, name, alias);
      if (!record) {
        throw new Error(
          `The registry has no alias ${alias} for model ${name}: promote a version first (runner models promote).`,
        );
      }
      return record.version;
    },
    async fetchVersion(name, version) {
      const dir = join(cacheDir, name, version);
      const files = {
        modelPath: join(dir, 'model.json'),
        recommendationsPath: join(dir, 'recommendations.parquet'),
      };
      if (existsSync(files.modelPath)) return files;
      const partial = `${dir}.partial-${process.pid}`;
      await rm(partial, {recursive: true, force: true});
      await mkdir(partial, {recursive: true});
      const result = await downloadVersion(remote, {name, version, dir: partial});
      if (!result.ok) {
        await rm(partial, {recursive: true, force: true});
        throw new Error(result.error.message);
      }
      await rename(partial, dir).catch(async (e: NodeJS.ErrnoException) => {
        // Another server fetched the same version first: theirs is identical.
        await rm(partial, {recursive: true, force: true});
        if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      });
      return files;
    },
  };
}

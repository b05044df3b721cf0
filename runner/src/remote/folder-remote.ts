import {createReadStream} from 'node:fs';
import {mkdir, readFile, readdir, rename, rm, stat, writeFile} from 'node:fs/promises';
import {dirname, join, sep} from 'node:path';
import {isPartialName, partialPathFor, writeVerified} from './atomic-file.js';
import {
  RemoteError,
  type DownloadOptions,
  type RemoteEntry,
  type RemoteStat,
  type RemoteStore,
  type TransferOptions,
} from './remote-store.js';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * A remote in a local (or mounted) folder. Writes go to a temp file and are renamed, so a reader
 * never sees half an object.
 */
export class FolderRemote implements RemoteStore {
  constructor(
    /** Absolute folder path. */
    readonly folder: string,
    readonly url: string = folder,
  ) {}

  private pathOf(key: string): string {
    return join(this.folder, ...key.split('/'));
  }

  async *list(prefix: string): AsyncIterable<RemoteEntry> {
    // Walk only the folder the prefix lies in, not the whole remote.
    const slash = prefix.lastIndexOf('/');
    const base = slash === -1 ? '' : prefix.slice(0, slash + 1);
    const start = this.pathOf(base);
    let entries;
    try {
      entries = await readdir(start, {recursive: true, withFileTypes: true});
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const found: RemoteEntry[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || isPartialName(entry.name)) continue;
      const full = join(entry.parentPath, entry.name);
      const key = full
        .slice(this.folder.length + 1)
        .split(sep)
        .join('/');
      if (!key.startsWith(prefix)) continue;
      found.push({key, size: 0});
    }
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const item of found) {
      const info = await this.stat(item.key);
      if (info) yield {key: info.key, size: info.size};
    }
  }

  async stat(key: string): Promise<RemoteStat | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? {key, size: info.size} : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async upload(localPath: string, key: string, options: TransferOptions = {}): Promise<void> {
    await writeVerified(createReadStream(localPath), this.pathOf(key), {
      describe: localPath,
      ...(options.onBytes ? {onBytes: options.onBytes} : {}),
      ...(options.signal ? {signal: options.signal} : {}),
    });
  }

  async download(key: string, localPath: string, options: DownloadOptions = {}): Promise<void> {
    const source = this.pathOf(key);
    try {
      await stat(source);
    } catch (error) {
      if (isMissing(error))
        throw new RemoteError('not-found', `${this.describe(key)} does not exist.`);
      throw error;
    }
    await writeVerified(createReadStream(source), localPath, {
      describe: this.describe(key),
      ...options,
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), {force: true});
  }

  async readJson(key: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new RemoteError('bad-json', `${this.describe(key)} is not valid JSON.`, {cause: error});
    }
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), {recursive: true});
    const partial = partialPathFor(target);
    try {
      await writeFile(partial, `${JSON.stringify(value, null, 2)}\n`);
      await rename(partial, target);
    } catch (error) {
      await rm(partial, {force: true});
      throw error;
    }
  }

  private describe(key: string): string {
    return `${this.url.replace(/\/+$/, '')}/${key}`;
  }
}

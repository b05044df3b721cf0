import {createReadStream} from 'node:fs';
import {stat as statFile} from 'node:fs/promises';
import {pipeline} from 'node:stream/promises';
import {Storage, type Bucket, type File} from '@google-cloud/storage';
import {HashingCounter, writeVerified} from './atomic-file.js';
import type {GsLocation} from './gcs-url.js';
import {
  RemoteError,
  type DownloadOptions,
  type RemoteEntry,
  type RemoteStat,
  type RemoteStore,
  type TransferOptions,
} from './remote-store.js';
import {DEFAULT_RETRY, isTransient, withRetry, type RetryPolicy} from './retry.js';

/** Files at least this large go through a resumable upload session (sent in one request). */
export const RESUMABLE_THRESHOLD = 8 * 1024 * 1024;
const PAGE_SIZE = 1000;

function httpStatus(error: unknown): number | undefined {
  const code = (error as {code?: unknown} | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function hexFromBase64(value: unknown): string | undefined {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('hex') : undefined;
}

export interface GcsRemoteOptions {
  /**
   * The client to use. By default `new Storage()`: Application Default Credentials, and the
   * standard STORAGE_EMULATOR_HOST when set. Its own retries are off: {@link withRetry} repeats
   * whole operations instead, so the two do not multiply.
   */
  readonly storage?: Storage;
  readonly retry?: RetryPolicy;
  /** Objects per listing page (the API's maximum, 1000, by default). */
  readonly pageSize?: number;
  /** A download that receives nothing for this long is retried (default 60 s). */
  readonly stallTimeoutMs?: number;
}

/** Creates the default client; exported so benchmarks compare against the same configuration. */
export function defaultStorage(): Storage {
  return new Storage({retryOptions: {autoRetry: false}});
}

/** A `gs://bucket/prefix` remote through @google-cloud/storage. */
export class GcsRemote implements RemoteStore {
  private readonly bucket: Bucket;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;
  private readonly stallTimeoutMs: number;

  constructor(
    private readonly location: GsLocation,
    options: GcsRemoteOptions = {},
  ) {
    this.bucket = (options.storage ?? defaultStorage()).bucket(location.bucket);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  }

  get url(): string {
    return `gs://${this.location.bucket}${this.location.prefix ? `/${this.location.prefix}` : ''}`;
  }

  private name(key: string): string {
    return this.location.prefix ? `${this.location.prefix}/${key}` : key;
  }

  private file(key: string): File {
    return this.bucket.file(this.name(key));
  }

  private describe(key: string): string {
    return `gs://${this.location.bucket}/${this.name(key)}`;
  }

  private run<T>(key: string, operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetry(operation, this.retry, signal).catch((error: unknown) => {
      throw this.translate(key, error);
    });
  }

  private translate(key: string, error: unknown): unknown {
    if (error instanceof RemoteError) return error;
    const status = httpStatus(error);
    const detail = error instanceof Error ? error.message : String(error);
    if (status === 404)
      return new RemoteError('not-found', `${this.describe(key)} does not exist.`, {cause: error});
    if (status === 401 || status === 403)
      return new RemoteError(
        'denied',
        `Access to ${this.describe(key)} was denied (${detail}). Check the credentials ` +
          `(gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS).`,
        {cause: error},
      );
    if (/default credentials|invalid_grant|unauthorized_client|getaddrinfo/i.test(detail))
      return new RemoteError(
        'denied',
        `Cannot reach ${this.describe(key)}: ${detail}. Set up Application Default Credentials ` +
          `(gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS), or ` +
          `STORAGE_EMULATOR_HOST for an emulator.`,
        {cause: error},
      );
    if (isTransient(error))
      return new RemoteError(
        'transient',
        `${this.describe(key)}: the server kept failing after ${this.retry.attempts} attempts ` +
          `(${detail}). Run the command again; only what is missing will be sent.`,
        {cause: error},
      );
    // Any other failure of the client (a 4xx, an unexpected response) is an expected outcome of
    // talking to a server, not a bug here: report it with what the server said.
    if (status !== undefined || typeof (error as {code?: unknown} | null)?.code === 'string')
      return new RemoteError('io', `${this.describe(key)}: ${detail}`, {cause: error});
    return error;
  }

  async *list(prefix: string): AsyncIterable<RemoteEntry> {
    const strip = this.location.prefix ? this.location.prefix.length + 1 : 0;
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const [files, next] = await this.run(prefix, () =>
        this.bucket.getFiles({
          prefix: this.name(prefix),
          autoPaginate: false,
          maxResults: this.pageSize,
          ...(token ? {pageToken: token} : {}),
        }),
      );
      for (const file of files) {
        yield {key: file.name.slice(strip), size: Number(file.metadata.size ?? 0)};
      }
      pageToken = (next as {pageToken?: string} | null | undefined)?.pageToken;
    } while (pageToken);
  }

  async stat(key: string): Promise<RemoteStat | undefined> {
    try {
      const [metadata] = await this.run(key, () => this.file(key).getMetadata());
      const md5 = hexFromBase64(metadata.md5Hash);
      return {key, size: Number(metadata.size ?? 0), ...(md5 ? {md5} : {})};
    } catch (error) {
      if (error instanceof RemoteError && error.reason === 'not-found') return undefined;
      throw error;
    }
  }

  async upload(localPath: string, key: string, options: TransferOptions = {}): Promise<void> {
    const {size} = await statFile(localPath);
    await this.run(
      key,
      async () => {
        const file = this.file(key);
        const hasher = new HashingCounter(options.onBytes);
        // The client's own checksum is replaced by ours, compared with what the server stored.
        const sink = file.createWriteStream({
          resumable: size >= RESUMABLE_THRESHOLD,
          validation: false,
          contentType: 'application/octet-stream',
        });
        await pipeline(
          createReadStream(localPath),
          hasher,
          sink,
          ...(options.signal ? [{signal: options.signal}] : []),
        );
        const stored = hexFromBase64(file.metadata.md5Hash);
        const sent = hasher.md5();
        if (stored !== undefined && stored !== sent) {
          await file.delete({ignoreNotFound: true});
          throw new RemoteError(
            'transient',
            `${this.describe(key)} arrived with md5 ${stored} instead of ${sent}; it was deleted.`,
          );
        }
      },
      options.signal,
    );
  }

  async download(key: string, localPath: string, options: DownloadOptions = {}): Promise<void> {
    await this.run(
      key,
      () =>
        writeVerified(this.file(key).createReadStream({validation: false}), localPath, {
          describe: this.describe(key),
          stallTimeoutMs: this.stallTimeoutMs,
          ...options,
        }),
      options.signal,
    );
  }

  async delete(key: string): Promise<void> {
    await this.run(key, () => this.file(key).delete({ignoreNotFound: true}));
  }

  async readJson(key: string): Promise<unknown> {
    let bytes: Buffer;
    try {
      [bytes] = await this.run(key, () => this.file(key).download());
    } catch (error) {
      if (error instanceof RemoteError && error.reason === 'not-found') return undefined;
      throw error;
    }
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (error) {
      throw new RemoteError('bad-json', `${this.describe(key)} is not valid JSON.`, {cause: error});
    }
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    await this.run(key, () =>
      this.file(key).save(text, {resumable: false, contentType: 'application/json'}),
    );
  }
}

/** One object of a remote: its key relative to the remote's root, and its size in bytes. */
export interface RemoteEntry {
  readonly key: string;
  readonly size: number;
}

/** What `stat` knows about an object. `md5` is hex; a folder remote does not compute it. */
export interface RemoteStat extends RemoteEntry {
  readonly md5?: string;
}

/** Called with the number of bytes moved since the previous call. */
export type ByteCounter = (bytes: number) => void;

export interface TransferOptions {
  readonly onBytes?: ByteCounter;
  readonly signal?: AbortSignal;
}

export interface DownloadOptions extends TransferOptions {
  /** Hex md5 the downloaded bytes must have; a mismatch throws {@link RemoteError} `md5-mismatch`. */
  readonly expectedMd5?: string;
  /** File mode given to the file before it is renamed into place. */
  readonly mode?: number;
  /**
   * Folder for the temp file (same filesystem as `localPath`), e.g. `<cache>/tmp`, which the
   * next run sweeps of a killed run's leftovers. Beside `localPath` by default.
   */
  readonly tempDir?: string;
}

/**
 * A place that mirrors the cache layout (`files/md5/ab/cdef...`, `runs/<fingerprint>.json`,
 * `models/...`): a folder or a `gs://bucket/prefix`. Keys use `/` and never start with one.
 * Methods throw {@link RemoteError} for expected failures; transient ones are already retried.
 */
export interface RemoteStore {
  /** The URL as configured (`gs://bucket/prefix` or the folder path), for messages. */
  readonly url: string;
  /** Every object whose key starts with `prefix`, fetched page by page. */
  list(prefix: string): AsyncIterable<RemoteEntry>;
  /** `undefined` when the object does not exist. */
  stat(key: string): Promise<RemoteStat | undefined>;
  /** Streams a local file to `key` (resumable upload for large files on GCS). */
  upload(localPath: string, key: string, options?: TransferOptions): Promise<void>;
  /**
   * Streams `key` to a temp file beside `localPath`, checks its md5, then renames it into place.
   * On any failure nothing is left at `localPath` or beside it.
   */
  download(key: string, localPath: string, options?: DownloadOptions): Promise<void>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** `undefined` when the object does not exist; throws `bad-json` when it is not JSON. */
  readJson(key: string): Promise<unknown>;
  writeJson(key: string, value: unknown): Promise<void>;
}

/** Stable reason codes of remote failures (documented in docs/errors.md). */
export type RemoteErrorReason =
  'not-found' | 'md5-mismatch' | 'bad-json' | 'bad-url' | 'transient' | 'denied' | 'io' | 'aborted';

/** An expected failure talking to a remote; `reason` is stable, `message` says what and how to fix. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly reason: RemoteErrorReason,
    message: string,
    options?: {cause?: unknown},
  ) {
    super(message, options);
  }
}

import {createHash} from 'node:crypto';
import {createWriteStream} from 'node:fs';
import {chmod, mkdir, rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {Transform, type Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {tempNameOwner, tempPathFor} from '../cache/temp-files.js';
import {RemoteError, type ByteCounter} from './remote-store.js';

/**
 * A unique sibling temp path (same folder, so the final rename is atomic), named like every temp
 * of the state layer so that the next run removes the leftovers of a killed one.
 */
export function partialPathFor(finalPath: string, tempDir?: string): string {
  return tempPathFor(tempDir === undefined ? finalPath : join(tempDir, basename(finalPath)));
}

/** True for names of temp files (which listings and gc must ignore). */
export function isPartialName(name: string): boolean {
  return tempNameOwner(name) !== undefined;
}

/** Counts bytes and feeds an md5 as data flows through, without buffering. */
export class HashingCounter extends Transform {
  private readonly hash = createHash('md5');
  constructor(private readonly onBytes?: ByteCounter) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.hash.update(chunk);
    this.onBytes?.(chunk.length);
    this.push(chunk);
    done();
  }
  md5(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Writes `source` to a temp file beside `finalPath`, checks its md5 against `expectedMd5` (when
 * given), and renames it into place. Any failure (a cut connection, a mismatch) deletes the temp
 * file, so `finalPath` is either complete and verified or untouched. `describe` names the source
 * in messages.
 */
export async function writeVerified(
  source: Readable,
  finalPath: string,
  options: {
    expectedMd5?: string;
    onBytes?: ByteCounter;
    describe: string;
    signal?: AbortSignal;
    /** File mode to set before the rename (cache objects are read-only). */
    mode?: number;
    /** Fail (as a transient error) when no byte arrives for this long. */
    stallTimeoutMs?: number;
    /** Where the temp file goes (same filesystem as `finalPath`); beside it by default. */
    tempDir?: string;
  },
): Promise<void> {
  await mkdir(dirname(finalPath), {recursive: true});
  if (options.tempDir !== undefined) await mkdir(options.tempDir, {recursive: true});
  const partial = partialPathFor(finalPath, options.tempDir);
  const stall = options.stallTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  let arm = (): void => undefined;
  const hasher = new HashingCounter((bytes) => {
    arm();
    options.onBytes?.(bytes);
  });
  if (stall !== undefined) {
    // Some HTTP stacks never report a connection reset on a reused keep-alive socket; a
    // download that stops receiving bytes is treated as a (retryable) reset.
    arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        source.destroy(
          new RemoteError('transient', `${options.describe}: no data received for ${stall} ms.`),
        );
      }, stall);
    };
    arm();
  }
  try {
    await pipeline(
      source,
      hasher,
      createWriteStream(partial),
      ...(options.signal ? [{signal: options.signal}] : []),
    );
    const actual = hasher.md5();
    if (options.expectedMd5 !== undefined && actual !== options.expectedMd5) {
      throw new RemoteError(
        'md5-mismatch',
        `${options.describe} is corrupted: its md5 is ${actual}, expected ${options.expectedMd5}. ` +
          `The download was deleted; push the object again from a machine that has it intact.`,
      );
    }
    if (options.mode !== undefined) await chmod(partial, options.mode);
    await rename(partial, finalPath);
  } catch (error) {
    source.destroy();
    await rm(partial, {force: true});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

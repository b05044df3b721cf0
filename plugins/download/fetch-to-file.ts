import {createHash} from 'node:crypto';
import {open, rm} from 'node:fs/promises';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import type {DownloadParams} from './params.js';

/** An HTTP failure that a later attempt may not see (5xx, reset, timeout, cut-off body). */
class TransientError extends Error {}

/**
 * Downloads `url` into `path`, retrying transient failures with exponential backoff. Returns the
 * SHA-256 of the bytes. On failure nothing is left at `path`.
 */
export async function fetchToFile(
  ctx: StageContext<DownloadParams>,
  url: string,
  path: string,
): Promise<string> {
  const {retries, retryDelayMs} = ctx.params;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(ctx, url, path);
    } catch (error) {
      await rm(path, {force: true});
      if (ctx.signal.aborted) throw ctx.signal.reason ?? error;
      if (!(error instanceof TransientError)) throw error;
      if (attempt >= retries) {
        throw new Error(
          `download: ${error.message} (gave up after ${attempt + 1} attempt${attempt ? 's' : ''}; raise \`retries\` or check the server).`,
          {cause: error},
        );
      }
      const delay = retryDelayMs * 2 ** attempt;
      ctx.log.warn(`download attempt ${attempt + 1} failed, retrying in ${delay} ms`, {
        url,
        error: error.message,
      });
      await sleep(delay, ctx.signal);
    }
  }
}

async function fetchOnce(
  ctx: StageContext<DownloadParams>,
  url: string,
  path: string,
): Promise<string> {
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const armTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(
      () => idle.abort(new Error(`no data for ${ctx.params.timeoutMs} ms`)),
      ctx.params.timeoutMs,
    );
  };
  armTimer();
  const signal = AbortSignal.any([ctx.signal, idle.signal]);
  let received = 0;
  let expected: number | undefined;
  const file = await open(path, 'w');
  try {
    let response: Response;
    try {
      // identity: Content-Length must count the bytes we hash and store.
      response = await fetch(url, {signal, headers: {'accept-encoding': 'identity'}});
    } catch (error) {
      throw networkError(url, error, idle.signal);
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      await response.body?.cancel().catch(() => undefined);
      throw new TransientError(`HTTP ${response.status} ${response.statusText} from ${url}`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(
        `download: HTTP ${response.status} ${response.statusText} from ${url}; check the url (not retried).`,
      );
    }
    const length = response.headers.get('content-length');
    expected = length === null ? undefined : Number(length);
    ctx.progress.start(`download ${url}`, expected, 'bytes');
    const hash = createHash('sha256');
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        armTimer();
        hash.update(chunk);
        await file.write(chunk);
        received += chunk.byteLength;
        ctx.progress.update(received);
      }
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new TransientError(
        `${truncation(url, received, expected)}: ${reason(error, idle.signal)}`,
      );
    }
    if (expected !== undefined && received !== expected) {
      throw new TransientError(truncation(url, received, expected));
    }
    ctx.progress.done();
    return hash.digest('hex');
  } finally {
    clearTimeout(timer);
    await file.close();
  }
}

function truncation(url: string, received: number, expected: number | undefined): string {
  return expected === undefined
    ? `body of ${url} cut off after ${received} bytes`
    : `truncated body from ${url}: received ${received} of ${expected} bytes (Content-Length)`;
}

function networkError(url: string, error: unknown, idle: AbortSignal): Error {
  return new TransientError(`cannot fetch ${url}: ${reason(error, idle)}`);
}

function reason(error: unknown, idle: AbortSignal): string {
  if (idle.aborted) return String((idle.reason as Error | undefined)?.message ?? 'timeout');
  const e = error as {message?: string; cause?: {code?: string; message?: string}};
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message ?? String(error)} (${cause})` : (e.message ?? String(error));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      {once: true},
    );
  });
}

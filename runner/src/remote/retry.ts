import {setTimeout as sleep} from 'node:timers/promises';
import {RemoteError} from './remote-store.js';

/** How often and how long to retry a transient failure. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly attempts: number;
  /** Delay before the first retry, in ms; doubles each time (capped by `maxDelayMs`). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {attempts: 6, baseDelayMs: 200, maxDelayMs: 10_000};

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const TRANSIENT_MESSAGES = /socket hang up|premature close|network|timed? ?out|reset|aborted/i;

function statusOf(error: Record<string, unknown>): number | undefined {
  for (const field of ['code', 'status', 'statusCode']) {
    const value = error[field];
    if (typeof value === 'number') return value;
  }
  const response = error['response'];
  if (typeof response === 'object' && response !== null) {
    const status = (response as Record<string, unknown>)['status'];
    if (typeof status === 'number') return status;
  }
  return undefined;
}

/** True for failures worth retrying: 408, 429, 5xx, connection resets and timeouts. */
export function isTransient(error: unknown): boolean {
  if (error instanceof RemoteError) return error.reason === 'transient';
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Record<string, unknown>;
  const status = statusOf(e);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  if (typeof e['code'] === 'string' && TRANSIENT_CODES.has(e['code'])) return true;
  if (e['cause'] !== undefined && e['cause'] !== error && isTransient(e['cause'])) return true;
  return typeof e['message'] === 'string' && TRANSIENT_MESSAGES.test(e['message']);
}

/** Exponential backoff with full jitter, so parallel workers that failed together spread out. */
export function backoffDelay(policy: RetryPolicy, retry: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs `operation` until it succeeds, fails with a non-transient error, or runs out of attempts.
 * `operation` must be safe to repeat from the start (uploads re-send the whole file).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (signal?.aborted) throw new RemoteError('aborted', 'The transfer was interrupted.');
      if (attempt >= policy.attempts || !isTransient(error)) throw error;
      await sleep(backoffDelay(policy, attempt - 1), undefined, signal ? {signal} : undefined);
    }
  }
}

import {describe, expect, it} from 'vitest';
import {RemoteError} from '../../runner/src/remote/remote-store.js';
import {backoffDelay, isTransient, withRetry} from '../../runner/src/remote/retry.js';

describe('retry', () => {
  it('classifies 408/429/5xx, resets and timeouts as transient, other failures not', () => {
    for (const code of [408, 429, 500, 502, 503]) expect(isTransient({code})).toBe(true);
    for (const code of [400, 401, 403, 404, 412]) expect(isTransient({code})).toBe(false);
    expect(isTransient(Object.assign(new Error('read ECONNRESET'), {code: 'ECONNRESET'}))).toBe(
      true,
    );
    expect(isTransient(new Error('socket hang up'))).toBe(true);
    expect(isTransient(new Error('wrapped', {cause: {code: 'ETIMEDOUT'}}))).toBe(true);
    expect(isTransient(new RemoteError('md5-mismatch', 'bad bytes'))).toBe(false);
    expect(isTransient(new RemoteError('transient', 'stalled'))).toBe(true);
    expect(isTransient(new TypeError('a bug'))).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = {attempts: 5, baseDelayMs: 100, maxDelayMs: 1000};
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('repeats a transient failure until it succeeds or attempts run out; stops at once otherwise', async () => {
    const policy = {attempts: 4, baseDelayMs: 1, maxDelayMs: 2};
    let calls = 0;
    const flaky = async (): Promise<string> => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('reset'), {code: 'ECONNRESET'});
      return 'done';
    };
    expect(await withRetry(flaky, policy)).toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw {code: 503};
      }, policy),
    ).rejects.toEqual({code: 503});
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw {code: 404};
      }, policy),
    ).rejects.toEqual({code: 404});
    expect(calls).toBe(1);
  });
});

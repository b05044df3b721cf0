import {UsageError} from '../output.js';

/** Sharing and plotting experiments; they build on the remote and plot renderers. */
export function expShare(
  sub: 'push' | 'pull' | 'plot',
  _argv: readonly string[],
  _cwd: string,
): Promise<number> {
  return Promise.reject(new UsageError(`runner exp ${sub} is not available in this build yet.`));
}

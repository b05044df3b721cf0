import {availableParallelism} from 'node:os';
import type {PipelinePlan} from '../../analysis/plan.js';
import {cachedLock} from '../../execution/cached-lock.js';
import type {WorkspaceState} from '../../execution/workspace-state.js';
import {errOut, EXIT, out} from '../output.js';
import {selectRemote} from './transfer.js';

/** `runner status --cloud`: per out recorded in the lock, whether to push or pull it. */
export async function cloudStatus(
  plan: PipelinePlan,
  state: WorkspaceState,
  stages: readonly string[],
  remoteName: string | undefined,
  json: boolean,
): Promise<number> {
  const remote = await selectRemote(plan, remoteName, 'status --cloud');
  const {runStatusCloud} = await import('../../remote/transfer-commands.js');
  const result = await runStatusCloud({
    root: plan.root,
    lock: cachedLock({schema: 1, stages: Object.fromEntries(state.lock)}, plan),
    stages,
    remote,
    jobs: availableParallelism() * 4,
  });
  if (!result.ok) {
    errOut(`runner status --cloud: ${result.error.message}\n`);
    return EXIT.stageFailed;
  }
  if (json) {
    out(`${JSON.stringify({remote: remote.url, outs: result.value}, null, 2)}\n`);
    return EXIT.ok;
  }
  const label = {
    both: 'in sync',
    'local-only': 'not pushed',
    'remote-only': 'not pulled',
    missing: 'missing everywhere',
  };
  const width = Math.max(0, ...result.value.map((e) => e.path.length));
  for (const e of result.value) out(`${e.path.padEnd(width)}  ${label[e.state]}  (${e.stage})\n`);
  if (result.value.every((e) => e.state === 'both')) out(`Cache and ${remote.url} are in sync.\n`);
  return EXIT.ok;
}

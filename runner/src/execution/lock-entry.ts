import type {StagePlan} from '../analysis/plan.js';
import type {LockPath, LockStage} from '../lock/lock-file.js';

/** The lock entry recording what a stage ran with and produced. */
export function lockEntryFor(
  stage: StagePlan,
  deps: readonly LockPath[],
  outs: readonly LockPath[],
  fingerprint: string,
): LockStage {
  const command = stage.command;
  const params: Record<string, Record<string, unknown>> = {};
  for (const p of stage.params) (params[p.file] ??= {})[p.key] = p.value;
  const base = {
    deps: [...deps].sort((a, b) => a.path.localeCompare(b.path)),
    outs: [...outs].sort((a, b) => a.path.localeCompare(b.path)),
    fingerprint,
    ...(stage.params.length > 0 ? {params} : {}),
  };
  return command.type === 'cmd'
    ? {kind: {cmd: command.cmd}, ...base}
    : {
        kind: {
          plugin: command.plugin.name,
          version: command.plugin.version,
          codeHash: command.plugin.codeHash,
        },
        ...(Object.keys(command.with).length > 0 ? {with: command.with} : {}),
        ...base,
      };
}

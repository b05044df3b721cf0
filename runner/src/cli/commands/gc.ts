import {availableParallelism} from 'node:os';
import {openWorkspaceState} from '../../execution/workspace-state.js';
import {intOption, parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan} from '../load-plan.js';
import {errOut, EXIT, out, UsageError} from '../output.js';
import {selectRemote} from './transfer.js';

export const GC_HELP = `Usage: runner gc [--workspace | --all-commits] [--cloud] [-r NAME] [--run-cache] [--dry]

Removes cache objects nothing refers to. Kept: everything the workspace's pipeline.lock names
(with --all-commits, also the lock of every git commit), experiments and the model registry on
the default remote. Run-cache records are removed only with --run-cache.

Options:
      --workspace     keep only what the workspace lock names (the default)
      --all-commits   also keep what any commit's pipeline.lock names
      --cloud         clean the remote instead of the local cache
  -r, --remote NAME   the remote for --cloud (default: default_remote)
      --run-cache     also remove run records no kept lock names
      --dry           list what would be removed; remove nothing
  -h, --help          this help
`;

export async function gc(argv: readonly string[], cwd: string): Promise<number> {
  const {values} = parse('gc', argv, {
    ...PIPELINE_OPTIONS,
    workspace: {type: 'boolean', short: 'w'},
    'all-commits': {type: 'boolean', short: 'A'},
    cloud: {type: 'boolean', short: 'c'},
    remote: {type: 'string', short: 'r'},
    'run-cache': {type: 'boolean'},
    dry: {type: 'boolean'},
    jobs: {type: 'string', short: 'j'},
  });
  if (values.help) {
    out(GC_HELP);
    return EXIT.ok;
  }
  if (values.workspace && values['all-commits'])
    throw new UsageError('runner gc: --workspace and --all-commits exclude each other.');
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const state = await openWorkspaceState(plan.root);
  if (!state.ok) throw new UsageError(state.error);
  const jobs = intOption('gc', 'jobs', values.jobs, availableParallelism() * 4);
  // The registry lives on the default remote: its versions are always kept.
  const registry =
    plan.defaultRemote === undefined ? undefined : await selectRemote(plan, undefined, 'gc');
  const cloud = values.cloud ? await selectRemote(plan, values.remote, 'gc') : undefined;
  const {ExperimentStore} = await import('../../experiments/experiment-store.js');
  const experiments = await new ExperimentStore(plan.root).list();
  const {runGc} = await import('../../remote/gc.js');
  const stages = Object.fromEntries(state.value.lock);
  // Experiments keep their outputs: their locks are kept like the workspace's.
  for (const e of experiments)
    for (const [name, entry] of Object.entries(e.lock.stages))
      stages[`exp:${e.id}:${name}`] = entry;
  const result = await runGc({
    root: plan.root,
    lock: {schema: 1, stages},
    allCommits: values['all-commits'] === true,
    runCache: values['run-cache'] === true,
    dryRun: values.dry === true,
    jobs,
    ...(cloud ? {cloud} : {}),
    ...(registry ? {registry} : {}),
  });
  if (!result.ok) {
    errOut(`runner gc: ${result.error.message}\n`);
    return EXIT.stageFailed;
  }
  const s = result.value;
  for (const w of s.warnings) errOut(`warning: ${w}\n`);
  if (s.dryRun) for (const id of s.removedObjects) out(`would remove ${id}\n`);
  out(
    `${s.dryRun ? 'Would remove' : 'Removed'} ${s.removedObjects.length} objects (${(s.bytes / 1048576).toFixed(1)} MB) and ${s.removedRuns.length} run records from ${s.where}; kept ${s.keptObjects} objects, ${s.keptRuns} run records.\n`,
  );
  return EXIT.ok;
}

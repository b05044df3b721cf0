import {availableParallelism} from 'node:os';
import {cachedLock} from '../../execution/cached-lock.js';
import {openWorkspaceState} from '../../execution/workspace-state.js';
import type {RemoteStore} from '../../remote/remote-store.js';
import {intOption, parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan} from '../load-plan.js';
import {errOut, EXIT, out, UsageError} from '../output.js';
import {transferProgress} from '../progress-line.js';

const HELP = {
  push: `Usage: runner push [stages...] [-r NAME] [--jobs N] [--run-cache]

Sends the outs of the stages (all by default) recorded in pipeline.lock, and their run records,
to the remote: only the objects it lacks, in parallel, verified.`,
  pull: `Usage: runner pull [stages...] [-r NAME] [--jobs N] [--run-cache] [--force]

Fetches the outs recorded in pipeline.lock into the cache and restores them in the workspace
(outs you modified are kept unless --force).`,
  fetch: `Usage: runner fetch [stages...] [-r NAME] [--jobs N] [--run-cache]

Like pull, into the cache only: the workspace is not touched.`,
} as const;

const COMMON = `
Options:
  -r, --remote NAME   the remote (default: default_remote of pipeline.yaml)
  -j, --jobs N        transfers at once (default: 4 x cores)
      --run-cache     also the whole run-cache (every record and its objects)
  -f, --file FILE     pipeline file
  -h, --help          this help
`;

/** `runner push|pull|fetch`. */
export async function transfer(
  kind: 'push' | 'pull' | 'fetch',
  argv: readonly string[],
  cwd: string,
): Promise<number> {
  const {values, positionals} = parse(kind, argv, {
    ...PIPELINE_OPTIONS,
    remote: {type: 'string', short: 'r'},
    jobs: {type: 'string', short: 'j'},
    'run-cache': {type: 'boolean'},
    force: {type: 'boolean'},
  });
  if (values.help) {
    out(`${HELP[kind]}\n${COMMON}`);
    return EXIT.ok;
  }
  const jobs = intOption(kind, 'jobs', values.jobs, availableParallelism() * 4);
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const remote = await selectRemote(plan, values.remote, kind);
  const state = await openWorkspaceState(plan.root);
  if (!state.ok) throw new UsageError(state.error);
  const lock = cachedLock({schema: 1, stages: Object.fromEntries(state.value.lock)}, plan);
  const {runFetch, runPull, runPush} = await import('../../remote/transfer-commands.js');
  const bar = transferProgress(kind);
  const options = {
    root: plan.root,
    lock,
    stages: positionals,
    remote,
    jobs,
    runCache: values['run-cache'] === true,
    onProgress: bar.update,
  };
  const result =
    kind === 'push'
      ? await runPush(options)
      : kind === 'fetch'
        ? await runFetch(options)
        : await runPull({...options, force: values.force === true});
  bar.done();
  if (!result.ok) {
    errOut(`runner ${kind}: ${result.error.message}\n`);
    return EXIT.stageFailed;
  }
  const s = result.value;
  const verb = kind === 'push' ? 'sent' : 'received';
  out(
    `${s.transferred} objects ${verb} (${(s.bytes / 1048576).toFixed(1)} MB), ${s.alreadyPresent} already there, ${s.runRecords} run records ${verb}.\n`,
  );
  if ('checkout' in s) {
    const c = s.checkout as {
      restored: readonly string[];
      modified: readonly string[];
      unchanged: number;
    };
    out(
      `${c.restored.length} outs restored, ${c.unchanged} unchanged${c.modified.length ? `, ${c.modified.length} modified and kept (use --force): ${c.modified.join(', ')}` : ''}.\n`,
    );
  }
  return EXIT.ok;
}

export async function selectRemote(
  plan: {
    root: string;
    remotes: ReadonlyMap<string, {url: string}>;
    defaultRemote: string | undefined;
  },
  name: string | undefined,
  command: string,
): Promise<RemoteStore> {
  const {selectRemote: pick} = await import('../../remote/remote-config.js');
  const remote = pick(plan, name);
  if (!remote.ok) throw new UsageError(`runner ${command}: ${remote.error}`);
  return remote.value;
}

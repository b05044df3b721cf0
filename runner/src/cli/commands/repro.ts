import {availableParallelism} from 'node:os';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {RunnerEvent} from '../../events/event.js';
import {execute} from '../../execution/executor.js';
import {cachedLock} from '../../execution/cached-lock.js';
import {recoverBackups} from '../../execution/out-guard.js';
import {selectStages, upstreamClosure} from '../../execution/select-stages.js';
import {
  lockSnapshot,
  openWorkspaceState,
  type WorkspaceState,
} from '../../execution/workspace-state.js';
import type {PipelinePlan} from '../../analysis/plan.js';
import type {RemoteStore} from '../../remote/remote-store.js';
import {acquireProjectLock} from '../../lock/project-lock.js';
import {fanOut, type Reporter} from '../../reporters/reporter.js';
import {jsonReporter} from '../../reporters/json-reporter.js';
import {liveReporter} from '../../reporters/live-reporter.js';
import {plainReporter} from '../../reporters/plain-reporter.js';
import {intOption, parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan} from '../load-plan.js';
import {startWorkerForPluginStages} from '../early-worker.js';
import {runnerLog} from '../runner-log.js';
import {errOut, EXIT, out, UsageError} from '../output.js';

export const REPRO_HELP = `Usage: runner repro [targets...] [options]

Runs the stages that are out of date, in parallel, restoring from the cache what ran before.

Targets are stage names (a foreach/matrix name selects all its items); none means all stages.

Options:
  -f, --file FILE       pipeline file (default: pipeline.yaml, else dvc.yaml)
  -S, --set KEY=VALUE   override a params.yaml key for this run (repeatable; file.yaml:key=value)
  -j, --jobs N          stages run at once (default: number of cores, ${availableParallelism()})
      --force           run the targets and everything upstream of them, whatever their state
  -s, --single-item     only the targets, not their upstream stages
      --downstream      the targets and every stage that depends on them
      --dry             print what would run and why; change nothing
      --no-run-cache    never restore a stage from the run-cache; run it
  -k, --keep-going      after a failure, run what does not depend on it
      --pull            restore stages from the remote run-cache instead of running them; with
                        --single-item, also fetch the upstream results the targets need
      --push            afterwards, send the results and run records to the remote
  -r, --remote NAME     the remote for --pull/--push (default: default_remote)
      --wait            if another run holds the project, wait for it (default: exit 3)
      --json            print NDJSON events (docs/events.md) instead of text
  -q, --quiet           no stage output, only one line per stage
      --log-level LVL   runner diagnostics on stderr: debug, info, warn (default), error
  -h, --help            this help

Exit codes: 0 success, 1 a stage failed, 2 invalid pipeline or usage, 3 project locked, 130 interrupted.
`;

const OPTIONS = {
  ...PIPELINE_OPTIONS,
  jobs: {type: 'string', short: 'j'},
  force: {type: 'boolean'},
  'single-item': {type: 'boolean', short: 's'},
  downstream: {type: 'boolean'},
  dry: {type: 'boolean'},
  'no-run-cache': {type: 'boolean'},
  'keep-going': {type: 'boolean', short: 'k'},
  wait: {type: 'boolean'},
  pull: {type: 'boolean'},
  push: {type: 'boolean'},
  remote: {type: 'string', short: 'r'},
  json: {type: 'boolean'},
  quiet: {type: 'boolean', short: 'q'},
} as const;

export async function repro(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('repro', argv, OPTIONS);
  if (values.help) {
    out(REPRO_HELP);
    return EXIT.ok;
  }
  const jobs = intOption('repro', 'jobs', values.jobs, availableParallelism());
  // A plan that must be analysed again says the pipeline changed: stages will likely run.
  const plan = await loadPlan(
    cwd,
    values.file,
    values.set,
    values.dry === true ? {} : {onMiss: startWorkerForPluginStages},
  );
  if (!plan) return EXIT.usage;
  const selection = selectStages(plan, {
    targets: positionals,
    singleItem: values['single-item'] === true,
    downstream: values.downstream === true,
  });
  if (!selection.ok) {
    errOut(
      `runner repro: unknown stage ${selection.error.unknown.map((s) => `"${s}"`).join(', ')}.\nStages: ${selection.error.known.join(', ')}\n`,
    );
    return EXIT.usage;
  }

  const log = await runnerLog(values['log-level'], 'repro');
  const dry = values.dry === true;
  const remote =
    values.pull || values.push ? await openSelectedRemote(plan, values.remote) : undefined;
  // A stateless task (`--single-item --pull`) also restores what its targets need from upstream.
  const restoreOnly =
    values.pull && values['single-item'] === true
      ? new Set(
          [...upstreamClosure(plan, selection.value.targets)].filter(
            (s) => !selection.value.targets.has(s),
          ),
        )
      : new Set<string>();
  const stages =
    restoreOnly.size > 0
      ? plan.order.filter((s) => restoreOnly.has(s) || selection.value.targets.has(s))
      : selection.value.stages;
  const stateRoot = path.join(plan.root, '.runner');
  await mkdir(stateRoot, {recursive: true});
  const lock = dry
    ? undefined
    : await acquireProjectLock(stateRoot, {
        wait: values.wait === true,
        onWait: (holder) =>
          errOut(
            `Waiting for the run of process ${holder.pid} (since ${holder.since}) to finish...\n`,
          ),
      });
  if (lock && !lock.ok) {
    errOut(
      `Another run (process ${lock.error.pid}, started ${lock.error.since}) is using this project.\nWait for it to finish, stop it, or run again with --wait to queue behind it.\n`,
    );
    return EXIT.locked;
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const events: RunnerEvent[] = [];
  const reporter = makeReporter(values.json === true, values.quiet === true);
  try {
    if (!dry) await recoverBackups(path.join(stateRoot, 'backup'));
    const state = await openWorkspaceState(plan.root);
    if (!state.ok) {
      errOut(`${state.error}\n`);
      return EXIT.usage;
    }
    const forced = values.force
      ? positionals.length > 0
        ? upstreamClosure(plan, selection.value.targets)
        : new Set(selection.value.stages)
      : new Set<string>();
    const tmpDir = lock?.ok ? lock.value.tmpDir : path.join(stateRoot, 'tmp', `dry-${process.pid}`);
    const summary = await execute({
      plan,
      state: state.value,
      stages,
      forced,
      jobs,
      keepGoing: values['keep-going'] === true,
      dry,
      useRunCache: values['no-run-cache'] !== true,
      tmpDir,
      signal: controller.signal,
      restoreOnly,
      log,
      ...(remote && values.pull ? {pullRun: pullRunFrom(plan.root, remote, jobs)} : {}),
      emit: (event) => {
        if (!dry) events.push(event);
        reporter.onEvent(event);
      },
    });
    reporter.close();
    if (!dry) await saveRunEvents(stateRoot, events);
    if (remote && values.push && !dry) {
      const pushed = await pushResults(
        plan,
        state.value,
        remote,
        [...selection.value.targets],
        jobs,
      );
      if (pushed !== undefined) {
        errOut(`runner repro --push: ${pushed}\n`);
        return EXIT.stageFailed;
      }
    }
    if (summary.interrupted) return EXIT.interrupted;
    return summary.ok ? EXIT.ok : EXIT.stageFailed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (lock?.ok) await lock.value.release();
  }
}

async function openSelectedRemote(
  plan: PipelinePlan,
  name: string | undefined,
): Promise<RemoteStore> {
  const {selectRemote} = await import('../../remote/remote-config.js');
  const remote = selectRemote(plan, name);
  if (!remote.ok) throw new UsageError(`runner repro: ${remote.error}`);
  return remote.value;
}

function pullRunFrom(
  root: string,
  remote: RemoteStore,
  jobs: number,
): (fingerprint: string) => Promise<boolean> {
  return async (fingerprint) => {
    const {fetchRun} = await import('../../remote/transfer-commands.js');
    const fetched = await fetchRun({root, remote, fingerprint, jobs: jobs * 4});
    return fetched.ok && fetched.value;
  };
}

/** Sends the targets' outs and run records; returns an error text when that failed. */
async function pushResults(
  plan: PipelinePlan,
  state: WorkspaceState,
  remote: RemoteStore,
  targets: readonly string[],
  jobs: number,
): Promise<string | undefined> {
  const {runPush} = await import('../../remote/transfer-commands.js');
  const lock = cachedLock(lockSnapshot(state, new Set(plan.stages.keys())), plan);
  const stages = targets.filter((t) => lock.stages[t] !== undefined);
  if (stages.length === 0) return undefined;
  const pushed = await runPush({root: plan.root, lock, stages, remote, jobs: jobs * 4});
  return pushed.ok ? undefined : pushed.error.message;
}

function makeReporter(json: boolean, quiet: boolean): Reporter {
  if (json) return jsonReporter(out);
  if (process.stdout.isTTY && !quiet) return liveReporter(process.stdout);
  return fanOut([plainReporter(out, {showOutput: !quiet})]);
}

/** The last run's events, for `runner report` (stage outcomes and times). */
async function saveRunEvents(stateRoot: string, events: readonly RunnerEvent[]): Promise<void> {
  const dir = path.join(stateRoot, 'runs');
  await mkdir(dir, {recursive: true});
  const tmp = path.join(dir, `last.ndjson.${process.pid}.tmp`);
  await writeFile(tmp, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const {rename} = await import('node:fs/promises');
  await rename(tmp, path.join(dir, 'last.ndjson'));
}

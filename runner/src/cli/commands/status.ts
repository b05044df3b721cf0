import {availableParallelism} from 'node:os';
import path from 'node:path';
import type {Reason, StageOutcome} from '../../events/event.js';
import {execute} from '../../execution/executor.js';
import {selectStages} from '../../execution/select-stages.js';
import {openWorkspaceState} from '../../execution/workspace-state.js';
import {describeReason} from '../../reporters/describe-reason.js';
import {parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan} from '../load-plan.js';
import {errOut, EXIT, out} from '../output.js';

export const STATUS_HELP = `Usage: runner status [targets...] [options]

Shows, per stage, what \`runner repro\` would do (fresh, cached = restored from the run-cache,
run) and why: which dep, param, out or code changed. Changes nothing.

Options:
  -f, --file FILE       pipeline file (default: pipeline.yaml, else dvc.yaml)
  -S, --set KEY=VALUE   as for repro
      --json            one JSON document: {"stages": [{"stage", "outcome", "reasons"}], "upToDate"}
  -c, --cloud           instead: where each out's objects are (local cache, remote, both)
  -r, --remote NAME     the remote for --cloud (default: default_remote)
  -h, --help            this help
`;

export async function status(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('status', argv, {
    ...PIPELINE_OPTIONS,
    json: {type: 'boolean'},
    cloud: {type: 'boolean', short: 'c'},
    remote: {type: 'string', short: 'r'},
  });
  if (values.help) {
    out(STATUS_HELP);
    return EXIT.ok;
  }
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const selection = selectStages(plan, {
    targets: positionals,
    singleItem: false,
    downstream: false,
  });
  if (!selection.ok) {
    errOut(
      `runner status: unknown stage ${selection.error.unknown.map((s) => `"${s}"`).join(', ')}.\n`,
    );
    return EXIT.usage;
  }
  const state = await openWorkspaceState(plan.root);
  if (!state.ok) {
    errOut(`${state.error}\n`);
    return EXIT.usage;
  }
  if (values.cloud) {
    const {cloudStatus} = await import('./status-cloud.js');
    return cloudStatus(plan, state.value, positionals, values.remote, values.json === true);
  }
  const stages: {stage: string; outcome: StageOutcome; reasons: readonly Reason[]}[] = [];
  await execute({
    plan,
    state: state.value,
    stages: selection.value.stages,
    forced: new Set(),
    jobs: availableParallelism(),
    keepGoing: true,
    dry: true,
    useRunCache: true,
    tmpDir: path.join(plan.root, '.runner', 'tmp'),
    signal: new AbortController().signal,
    emit: (event) => {
      if (event.type === 'stage')
        stages.push({stage: event.stage, outcome: event.outcome, reasons: event.reasons});
    },
  });
  const order = new Map(selection.value.stages.map((s, i) => [s, i]));
  stages.sort((a, b) => (order.get(a.stage) ?? 0) - (order.get(b.stage) ?? 0));
  const upToDate = stages.every((s) => s.outcome === 'fresh');
  if (values.json) {
    out(`${JSON.stringify({upToDate, stages}, null, 2)}\n`);
    return EXIT.ok;
  }
  if (upToDate) {
    out('Everything is up to date.\n');
    return EXIT.ok;
  }
  const width = Math.max(...stages.map((s) => s.stage.length));
  for (const s of stages) {
    const verb =
      s.outcome === 'fresh' ? 'up to date' : s.outcome === 'cached' ? 'restore from cache' : 'run';
    const why = s.reasons.map(describeReason).join('; ');
    out(`${s.stage.padEnd(width)}  ${verb}${why && s.outcome !== 'fresh' ? `: ${why}` : ''}\n`);
  }
  return EXIT.ok;
}

import {execFile} from 'node:child_process';
import {readFile, rm} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {parse as parseYaml} from 'yaml';
import {analyzePipeline} from '../analysis/analyze.js';
import type {PipelinePlan} from '../analysis/plan.js';
import type {Diagnostic} from '../diagnostics/diagnostic.js';
import type {RunnerEvent} from '../events/event.js';
import {execute} from '../execution/executor.js';
import {PluginPool} from '../execution/plugin-pool.js';
import {lockSnapshot, openWorkspaceState} from '../execution/workspace-state.js';
import {fingerprintCoordinator, slots} from './coordination.js';
import {experimentId, ExperimentStore, type ExperimentRecord} from './experiment-store.js';
import {createWorkspace} from './workspace.js';

export interface Variant {
  readonly name: string | undefined;
  readonly set: readonly string[];
}

export interface RunExperimentsOptions {
  /** Absolute path of the project's pipeline file. */
  readonly file: string;
  readonly variants: readonly Variant[];
  readonly jobs: number;
  readonly signal: AbortSignal;
  /** Every executor event, tagged with the variant's index. */
  readonly emit: (event: RunnerEvent & {readonly variant: number}) => void;
}

export type RunExperimentsResult =
  | {readonly ok: true; readonly records: readonly ExperimentRecord[]}
  | {readonly ok: false; readonly diagnostics: readonly Diagnostic[]};

/**
 * Runs each variant of the pipeline in its own workspace, all at once, over the project's
 * shared cache. The variants are planned together: commands run at most `jobs` at a time in
 * total, and a stage whose fingerprint several variants share runs once (the others wait and
 * restore it from the run-cache), so a grid never recomputes common upstream stages.
 */
export async function runExperiments(
  options: RunExperimentsOptions,
): Promise<RunExperimentsResult> {
  // Check every variant before running any, so a typo in the last one costs nothing.
  const plans: PipelinePlan[] = [];
  for (const variant of options.variants) {
    const plan = await analyzePipeline({file: options.file, set: variant.set});
    if (!plan.ok) return {ok: false, diagnostics: plan.error};
    plans.push(plan.value);
  }
  const root = path.dirname(options.file);
  const store = new ExperimentStore(root);
  const coordinator = fingerprintCoordinator();
  const shared = slots(Math.max(1, options.jobs));
  // One set of plugin workers for every variant: a variant's stage reuses a process that has
  // already loaded the plugin (and compiled its kernels), instead of starting its own.
  const pool = new PluginPool();
  const commit = await gitHead(root);
  const records = await Promise.all(
    options.variants.map(async (variant, index) => {
      const started = Date.now();
      const workspace = path.join(root, '.runner', 'exps', 'ws', `${process.pid}-${index}`);
      await rm(workspace, {recursive: true, force: true});
      try {
        const source = plans[index];
        if (!source) throw new Error('Internal error: variant without a plan');
        await createWorkspace(source, workspace);
        const planned = await analyzePipeline({
          file: path.join(workspace, path.basename(options.file)),
          set: variant.set,
        });
        if (!planned.ok)
          throw new Error(
            `Internal error: the workspace plan failed: ${planned.error[0]?.message ?? ''}`,
          );
        const plan = planned.value;
        const state = await openWorkspaceState(workspace);
        if (!state.ok) throw new Error(state.error);
        const summary = await execute({
          plan,
          state: state.value,
          stages: plan.order,
          forced: new Set(),
          jobs: options.jobs,
          keepGoing: false,
          dry: false,
          useRunCache: true,
          tmpDir: path.join(workspace, '.runner', 'tmp'),
          signal: options.signal,
          emit: (event) => options.emit({...event, variant: index}),
          coordinator,
          slots: shared,
          pool,
        });
        const lock = lockSnapshot(state.value, new Set(plan.stages.keys()));
        const params = trackedParams(plan);
        const id = experimentId(params, lock);
        const record: ExperimentRecord = {
          schema: 1,
          id,
          name: variant.name ?? `exp-${id.slice(0, 6)}`,
          overrides: variant.set,
          params,
          metrics: await readMetrics(plan, workspace),
          lock,
          ok: summary.ok,
          commit,
          createdAt: new Date(started).toISOString(),
          durationMs: Date.now() - started,
          host: hostname(),
        };
        if (summary.ok) await store.save(record);
        return record;
      } finally {
        await rm(workspace, {recursive: true, force: true});
      }
    }),
  ).finally(() => pool.close());
  return {ok: true, records};
}

/** Every tracked param of every stage, by file and key (the values this run used). */
export function trackedParams(plan: PipelinePlan): Record<string, Record<string, unknown>> {
  const params: Record<string, Record<string, unknown>> = {};
  for (const name of plan.order) {
    for (const p of plan.stages.get(name)?.params ?? []) (params[p.file] ??= {})[p.key] = p.value;
  }
  return params;
}

async function readMetrics(plan: PipelinePlan, dir: string): Promise<Record<string, unknown>> {
  const metrics: Record<string, unknown> = {};
  for (const name of plan.order) {
    for (const out of plan.stages.get(name)?.outs ?? []) {
      if (out.kind !== 'metric') continue;
      try {
        const text = await readFile(path.join(dir, out.path), 'utf8');
        metrics[out.path] = out.path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      } catch {
        // A metrics file the stage did not write (or not JSON/YAML): left out of the record.
      }
    }
  }
  return metrics;
}

async function gitHead(root: string): Promise<string | null> {
  try {
    const {stdout} = await promisify(execFile)('git', ['rev-parse', 'HEAD'], {cwd: root});
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

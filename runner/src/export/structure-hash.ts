import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {parse} from 'yaml';
import type {PipelinePlan, StagePlan} from '../analysis/plan.js';
import {canonicalJson} from '../hashing/canonical-json.js';

/**
 * What an orchestrator export depends on: stage names, edges, what each stage runs, the names
 * (not values) of its params, its deps and outs paths, and its retry/timeout policy. Param values
 * and the lock are left out on purpose: they change with every experiment, the exported DAG does not.
 */
export interface PipelineStructure {
  readonly schema: 1;
  readonly stages: readonly StageStructure[];
}

/** One stage (or foreach/matrix item) of {@link PipelineStructure}. */
export interface StageStructure {
  readonly name: string;
  /** The cmd as written in the pipeline file (before `${}`), or the plugin's name and version. */
  readonly run:
    {readonly cmd: readonly string[]} | {readonly plugin: string; readonly version: string};
  readonly wdir: string;
  /** `file:key`, sorted. */
  readonly params: readonly string[];
  readonly deps: readonly string[];
  readonly outs: readonly {readonly path: string; readonly kind: string}[];
  readonly upstream: readonly string[];
  readonly retries: number;
  readonly timeoutMs: number | null;
  readonly frozen: boolean;
}

/**
 * The structure of a plan. `source` is the pipeline file's text: cmd stages are described by
 * their cmd template, because the interpolated cmd embeds param values (`--k ${train.k}`).
 */
export function pipelineStructure(plan: PipelinePlan, source: string): PipelineStructure {
  const templates = cmdTemplates(source);
  return {
    schema: 1,
    stages: plan.order.map((name) => stageStructure(plan.stages.get(name)!, templates)),
  };
}

/** sha256 (hex) of the canonical JSON of {@link pipelineStructure}. */
export function structureHash(plan: PipelinePlan, source: string): string {
  return createHash('sha256')
    .update(canonicalJson(pipelineStructure(plan, source)))
    .digest('hex');
}

/** {@link structureHash} of the plan's own pipeline file. */
export async function readStructureHash(plan: PipelinePlan): Promise<string> {
  return structureHash(plan, await readFile(plan.file, 'utf8'));
}

function stageStructure(
  stage: StagePlan,
  templates: ReadonlyMap<string, readonly string[]>,
): StageStructure {
  const base = stage.name.split('@')[0] ?? stage.name;
  const run =
    stage.command.type === 'plugin'
      ? {plugin: stage.command.plugin.name, version: stage.command.plugin.version}
      : {cmd: templates.get(base) ?? stage.command.cmd};
  return {
    name: stage.name,
    run,
    wdir: stage.wdir,
    params: stage.params.map((p) => `${p.file}:${p.key}`).sort(),
    deps: stage.deps.map((d) => d.path),
    outs: stage.outs.map((o) => ({path: o.path, kind: o.kind})),
    upstream: [...stage.upstream],
    retries: stage.retries,
    timeoutMs: stage.timeoutMs ?? null,
    frozen: stage.frozen,
  };
}

/** Raw `cmd` of every stage key, from `cmd:` or, for foreach, `do: {cmd:}`. */
function cmdTemplates(source: string): Map<string, readonly string[]> {
  const templates = new Map<string, readonly string[]>();
  const stages = (parse(source) as {stages?: unknown} | null)?.stages;
  if (!isRecord(stages)) return templates;
  for (const [name, body] of Object.entries(stages)) {
    if (!isRecord(body)) continue;
    const cmd = body['cmd'] ?? (isRecord(body['do']) ? body['do']['cmd'] : undefined);
    if (typeof cmd === 'string') templates.set(name, [cmd]);
    else if (Array.isArray(cmd)) templates.set(name, cmd.map(String));
  }
  return templates;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

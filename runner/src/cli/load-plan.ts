import {existsSync} from 'node:fs';
import path from 'node:path';
import type {PipelinePlan} from '../analysis/plan.js';
import {errOut, UsageError} from './output.js';

/** Finds the pipeline file: `-f FILE`, else pipeline.yaml, else dvc.yaml in the working directory. */
export function pipelineFile(cwd: string, file: string | undefined): string {
  if (file !== undefined) return path.resolve(cwd, file);
  for (const name of ['pipeline.yaml', 'dvc.yaml']) {
    const candidate = path.join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new UsageError(
    `No pipeline.yaml (or dvc.yaml) in ${cwd}.\nCreate one (see the README's pipeline.yaml reference) or point at it with -f FILE.`,
  );
}

/**
 * Analyses the pipeline; on errors prints every diagnostic and returns undefined (exit 2).
 * The plan comes from `.runner/state/plan.json` while nothing it was made from changed, so a
 * no-op run loads neither the YAML parser nor the analyzer; the diagnostics printer is loaded
 * only when there is something to print.
 */
export async function loadPlan(
  cwd: string,
  file: string | undefined,
  set: readonly string[] | undefined,
  hooks: {readonly onMiss?: (pipelineFile: string) => void} = {},
): Promise<PipelinePlan | undefined> {
  const target = pipelineFile(cwd, file);
  const {analyzePipelineCached} = await import('../analysis/plan-cache.js');
  const onMiss = hooks.onMiss;
  const result = await analyzePipelineCached(
    {file: target, set: set ?? []},
    onMiss ? {onMiss: () => onMiss(target)} : {},
  );
  if (result.ok) return result.value;
  const {formatDiagnostics} = await import('../diagnostics/printer.js');
  errOut(formatDiagnostics(result.error, {cwd, color: process.stderr.isTTY === true}));
  return undefined;
}

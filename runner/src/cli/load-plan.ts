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
 * The analyzer is imported here, not at start-up, so `--help` stays instant.
 */
export async function loadPlan(
  cwd: string,
  file: string | undefined,
  set: readonly string[] | undefined,
): Promise<PipelinePlan | undefined> {
  const target = pipelineFile(cwd, file);
  const [{analyzePipeline}, {formatDiagnostics}] = await Promise.all([
    import('../analysis/analyze.js'),
    import('../diagnostics/printer.js'),
  ]);
  const result = await analyzePipeline({file: target, set: set ?? []});
  if (result.ok) return result.value;
  errOut(formatDiagnostics(result.error, {cwd, color: process.stderr.isTTY === true}));
  return undefined;
}

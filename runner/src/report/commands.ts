import type {PipelinePlan} from '../analysis/plan.js';
import type {Result} from '../util/result.js';
import type {DirectionOverrides} from './direction.js';
import {captureFailure, type ReportProblem} from './failure.js';
import {diffMetrics, loadMetrics} from './metrics.js';
import {diffParams, loadParams, paramsFilesOf} from './params.js';
import {
  renderMetricsDiff,
  renderMetricsShow,
  renderParamsDiff,
  type RenderOptions,
} from './render-tables.js';
import {openRevision, WORKSPACE, type FetchObject, type Revision} from './revision.js';

/** What every show/diff command needs: the project, its plan, and how to print. */
export interface CommandOptions extends RenderOptions {
  readonly root: string;
  /** The current plan: it says which files are metrics, plots and params. */
  readonly plan: PipelinePlan | undefined;
  readonly fetchObject?: FetchObject;
}

/** Declared metrics files (outs of kind `metric`), sorted. */
export function metricsPathsOf(plan: PipelinePlan | undefined): string[] {
  return outsOfKind(plan, 'metric');
}

/** Declared plots (files or folders; outs of kind `plot`), sorted. */
export function plotsPathsOf(plan: PipelinePlan | undefined): string[] {
  return outsOfKind(plan, 'plot');
}

/** `runner metrics show [REV]` (default: the workspace). Returns the text to print. */
export function metricsShow(
  options: CommandOptions & {readonly rev?: Revision; readonly paths?: readonly string[]},
): Promise<Result<string, ReportProblem>> {
  return captureFailure(async () => {
    const files = await openRevision(options.root, options.rev ?? WORKSPACE, options);
    const snapshot = await loadMetrics(files, options.paths ?? metricsPathsOf(options.plan));
    return renderMetricsShow(snapshot, options);
  });
}

/** `runner metrics diff [A] [B]` (default: HEAD against the workspace). */
export function metricsDiff(
  options: CommandOptions & {
    readonly a?: Revision;
    readonly b?: Revision;
    readonly paths?: readonly string[];
    readonly all?: boolean;
    readonly directions?: DirectionOverrides;
  },
): Promise<Result<string, ReportProblem>> {
  return captureFailure(async () => {
    const paths = options.paths ?? metricsPathsOf(options.plan);
    const [base, head] = await Promise.all([
      openRevision(options.root, options.a ?? 'HEAD', options).then((f) => loadMetrics(f, paths)),
      openRevision(options.root, options.b ?? WORKSPACE, options).then((f) =>
        loadMetrics(f, paths),
      ),
    ]);
    const rows = diffMetrics(base, head, {
      all: options.all ?? false,
      ...(options.directions ? {directions: options.directions} : {}),
    });
    return renderMetricsDiff(rows, {base: base.label, head: head.label}, options);
  });
}

/** `runner params diff [A] [B] [--all]` over params.yaml and every params file the plan uses. */
export function paramsDiff(
  options: CommandOptions & {
    readonly a?: Revision;
    readonly b?: Revision;
    readonly all?: boolean;
  },
): Promise<Result<string, ReportProblem>> {
  return captureFailure(async () => {
    const paths = paramsFilesOf(options.plan);
    const [baseFiles, headFiles] = await Promise.all([
      openRevision(options.root, options.a ?? 'HEAD', options),
      openRevision(options.root, options.b ?? WORKSPACE, options),
    ]);
    const rows = diffParams(
      await loadParams(baseFiles, paths),
      await loadParams(headFiles, paths),
      {
        all: options.all ?? false,
      },
    );
    return renderParamsDiff(rows, {base: baseFiles.label, head: headFiles.label}, options);
  });
}

function outsOfKind(plan: PipelinePlan | undefined, kind: 'metric' | 'plot'): string[] {
  const paths = new Set<string>();
  for (const stage of plan?.stages.values() ?? []) {
    for (const out of stage.outs) if (out.kind === kind) paths.add(out.path);
  }
  return [...paths].sort();
}

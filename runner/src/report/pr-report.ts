import {mkdir, rm} from 'node:fs/promises';
import {basename, dirname, extname, isAbsolute, join, relative} from 'node:path';
import type {PipelinePlan} from '../analysis/plan.js';
import {writeFileAtomic} from '../cache/atomic-write.js';
import type {StageOutcome} from '../events/event.js';
import type {CombineMode} from '../plots/combine.js';
import {loadPlots} from '../plots/load-specs.js';
import {matchPlots, writePlots, type PlotFailure, type WrittenPlot} from '../plots/write-plots.js';
import type {Result} from '../util/result.js';
import {metricsPathsOf, plotsPathsOf} from './commands.js';
import type {DirectionOverrides} from './direction.js';
import {captureFailure, type ReportProblem} from './failure.js';
import {readLastRun, renderStageOutcomes, LAST_RUN_FILE, type LastRun} from './last-run.js';
import {planMermaid} from './mermaid.js';
import {diffMetrics, loadMetrics, type MetricDiffRow, type MetricsSnapshot} from './metrics.js';
import {diffParams, loadParams, paramsFilesOf} from './params.js';
import {renderMetricsDiff, renderParamsDiff} from './render-tables.js';
import {openRevision, WORKSPACE, type FetchObject, type Revision} from './revision.js';

/** Options of `runner report --base REV --out reports/pr.md`. */
export interface ReportOptions {
  readonly root: string;
  readonly plan: PipelinePlan;
  readonly base: Revision;
  /** Default: the workspace (what the PR's run just produced). */
  readonly head?: Revision;
  /** The markdown file, relative to the root or absolute. PNGs go to `<stem>-plots/` beside it. */
  readonly out: string;
  readonly precision?: number;
  readonly directions?: DirectionOverrides;
  readonly plotMode?: CombineMode;
  readonly fetchObject?: FetchObject;
  /** First heading (and CML's watermark sits under it). */
  readonly title?: string;
}

/** What `writeReport` wrote. Paths are relative to the project root. */
export interface WrittenReport {
  readonly markdown: string;
  readonly images: readonly string[];
  /** Metrics whose value changed between base and head. */
  readonly changedMetrics: number;
  readonly changedParams: number;
}

/**
 * Writes the pull-request report: metrics (base, head, delta, direction), changed params, the
 * last run's stage outcomes, the DAG as mermaid, and every plot as a PNG referenced relatively.
 * The same inputs give byte-identical files (no clocks, sorted everything).
 */
export function writeReport(options: ReportOptions): Promise<Result<WrittenReport, ReportProblem>> {
  return captureFailure(async () => {
    const {root, plan} = options;
    const [baseFiles, headFiles] = await Promise.all([
      openRevision(root, options.base, options),
      openRevision(root, options.head ?? WORKSPACE, options),
    ]);
    const labels = {base: baseFiles.label, head: headFiles.label};
    const metricPaths = metricsPathsOf(plan);
    const [baseMetrics, headMetrics] = await Promise.all([
      loadMetrics(baseFiles, metricPaths),
      loadMetrics(headFiles, metricPaths),
    ]);
    const metricRows = diffMetrics(baseMetrics, headMetrics, {
      all: true,
      ...(options.directions ? {directions: options.directions} : {}),
    });
    const paramPaths = paramsFilesOf(plan);
    const paramRows = diffParams(
      await loadParams(baseFiles, paramPaths),
      await loadParams(headFiles, paramPaths),
    );
    const lastRun = await readLastRun(root);

    const markdownPath = isAbsolute(options.out) ? options.out : join(root, options.out);
    const plotsDirName = `${basename(markdownPath, extname(markdownPath))}-plots`;
    const plotsDir = join(dirname(markdownPath), plotsDirName);
    // The folder is ours alone; clearing it keeps plots removed by the PR from lingering.
    await rm(plotsDir, {recursive: true, force: true});
    const plotPaths = plotsPathsOf(plan);
    const snapshots = await Promise.all(
      [baseFiles, headFiles].map(async (files) => ({
        label: files.label,
        loaded: await loadPlots(files, plotPaths),
      })),
    );
    const plots = await writePlots(matchPlots(snapshots), plotsDir, {
      mode: options.plotMode ?? 'auto',
      heading: `Plots: ${labels.base} vs ${labels.head}`,
      revisionCount: 2,
    });
    const format = {format: 'md' as const, ...precisionOption(options.precision)};
    const markdown = [
      `## ${options.title ?? 'Pipeline report'}\n`,
      `Base \`${labels.base}\` → head \`${labels.head}\`.\n`,
      '### Metrics\n',
      metricsSection(metricRows, labels, format, options.base),
      missingMetrics(baseMetrics, headMetrics),
      '### Params\n',
      paramRows.length > 0 ? renderParamsDiff(paramRows, labels, format) : 'No params changed.\n',
      '### Stages\n',
      lastRun
        ? renderStageOutcomes(lastRun, plan.order)
        : `No run recorded (\`${LAST_RUN_FILE}\` is missing): run \`runner repro\` before \`runner report\`.\n`,
      '### Pipeline\n',
      '```mermaid\n' + planMermaid(plan, outcomesOf(lastRun)) + '```\n',
      '### Plots\n',
      plotsSection(plots.plots, plotsDirName, snapshots, plots.failed),
    ]
      .filter((part) => part !== '')
      .join('\n');
    await mkdir(dirname(markdownPath), {recursive: true});
    await writeFileAtomic(markdownPath, markdown);
    const shown = (file: string): string => relative(root, file).split('\\').join('/');
    return {
      markdown: shown(markdownPath),
      images: plots.plots.map((plot) => shown(join(plotsDir, plot.png))),
      changedMetrics: metricRows.filter((row) => row.change !== 'same').length,
      changedParams: paramRows.length,
    };
  });
}

/**
 * Top-level metrics always (a reviewer wants the headline numbers even when unchanged); nested
 * values (per-cluster sizes, per-k sweeps) only when they changed, or the table runs long.
 */
function metricsSection(
  rows: readonly MetricDiffRow[],
  labels: {base: string; head: string},
  format: {format: 'md'; precision?: number},
  base: string,
): string {
  if (rows.length === 0) return 'No metrics declared in the pipeline.\n';
  const shown = rows.filter((row) => row.change !== 'same' || !row.key.includes('.'));
  const hidden = rows.length - shown.length;
  const note =
    hidden > 0
      ? `\n${hidden} unchanged nested values not shown (\`runner metrics diff ${base} --all\`).\n`
      : '';
  return renderMetricsDiff(shown, labels, format) + note;
}

function plotsSection(
  plots: readonly WrittenPlot[],
  dirName: string,
  snapshots: readonly {label: string; loaded: {missing: readonly {path: string; why: string}[]}}[],
  failed: readonly PlotFailure[],
): string {
  const notes = [
    ...snapshots.flatMap(({label, loaded}) =>
      loaded.missing.map(({path, why}) => `> ${path} at ${label}: ${why}\n`),
    ),
    ...failed.map((failure) => `> ${failure.message}\n`),
  ];
  if (plots.length === 0 && notes.length === 0) return 'No plots declared in the pipeline.\n';
  const images = plots.map((plot) => {
    const how =
      plot.layout === 'overlay'
        ? ' (revisions overlaid)'
        : plot.layout === 'side-by-side'
          ? ' (base left, head right)'
          : '';
    const warnings = plot.warnings.map((warning) => `> ${plot.source}: ${warning}\n`).join('');
    return `#### ${plot.title}${how}\n\n![${plot.title}](${dirName}/${plot.png})\n${warnings}`;
  });
  return [...images, ...notes].join('\n');
}

function missingMetrics(base: MetricsSnapshot, head: MetricsSnapshot): string {
  const lines = [
    ...base.missing.map(({path, why}) => `> ${path} at ${base.label}: ${why}`),
    ...head.missing.map(({path, why}) => `> ${path} at ${head.label}: ${why}`),
  ];
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function outcomesOf(run: LastRun | undefined): Map<string, StageOutcome> {
  return new Map((run?.stages ?? []).map((stage) => [stage.stage, stage.outcome]));
}

function precisionOption(precision: number | undefined): {precision?: number} {
  return precision === undefined ? {} : {precision};
}

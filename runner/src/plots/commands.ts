import {isAbsolute, join, relative} from 'node:path';
import type {Result} from '../util/result.js';
import {plotsPathsOf, type CommandOptions} from '../report/commands.js';
import {captureFailure, ReportFailure, type ReportProblem} from '../report/failure.js';
import {renderTable} from '../report/format.js';
import {openRevision, WORKSPACE, type Revision} from '../report/revision.js';
import type {CombineMode} from './combine.js';
import {loadPlots} from './load-specs.js';
import {matchPlots, writePlots, type WrittenPlot} from './write-plots.js';

/** Options of `plots show` and `plots diff`. */
export interface PlotsCommandOptions extends CommandOptions {
  /** Output folder for the PNG/SVG files and index.html (relative to the root, or absolute). */
  readonly out: string;
  /** Plot files or folders; defaults to the plan's plots. */
  readonly paths?: readonly string[];
  /** Pixel scale of the PNGs (default 2). */
  readonly scale?: number;
}

/** `runner plots show [REV] --out DIR`: draws one revision's plots (default: the workspace). */
export function plotsShow(
  options: PlotsCommandOptions & {readonly rev?: Revision},
): Promise<Result<string, ReportProblem>> {
  return drawRevisions(options, [options.rev ?? WORKSPACE], 'auto');
}

/**
 * `runner plots diff [A] [B] --out DIR`: each plot with every revision overlaid (coloured by
 * revision) when the specs allow it, else side by side. Default: HEAD against the workspace.
 */
export function plotsDiff(
  options: PlotsCommandOptions & {
    readonly a?: Revision;
    readonly b?: Revision;
    readonly mode?: CombineMode;
  },
): Promise<Result<string, ReportProblem>> {
  return drawRevisions(
    options,
    [options.a ?? 'HEAD', options.b ?? WORKSPACE],
    options.mode ?? 'auto',
  );
}

async function drawRevisions(
  options: PlotsCommandOptions,
  revs: readonly Revision[],
  mode: CombineMode,
): Promise<Result<string, ReportProblem>> {
  return captureFailure(async () => {
    const paths = options.paths ?? plotsPathsOf(options.plan);
    const snapshots = await Promise.all(
      revs.map(async (rev) => {
        const files = await openRevision(options.root, rev, options);
        return {label: files.label, loaded: await loadPlots(files, paths)};
      }),
    );
    const dir = isAbsolute(options.out) ? options.out : join(options.root, options.out);
    const heading = `Plots: ${snapshots.map(({label}) => label).join(' vs ')}`;
    const written = await writePlots(matchPlots(snapshots), dir, {
      mode,
      heading,
      revisionCount: revs.length,
      ...(options.scale === undefined ? {} : {scale: options.scale}),
    });
    const shown = (file: string): string =>
      relative(options.root, join(dir, file)).split('\\').join('/');
    const missing = snapshots.flatMap(({label, loaded}) =>
      loaded.missing.map(({path, why}) => ({rev: label, path, why})),
    );
    const text = describe(written.plots, shown(written.html), missing, shown, options.format);
    if (written.failed.length > 0) {
      // The other plots are written; the failure still fails the command so scripts notice.
      throw new ReportFailure(
        'plot-render-failed',
        `${text}${written.failed.map((failure) => failure.message).join('\n')}`,
      );
    }
    return text;
  });
}

function describe(
  plots: readonly WrittenPlot[],
  html: string,
  missing: readonly {rev: string; path: string; why: string}[],
  shown: (file: string) => string,
  format: 'md' | 'json' | 'text',
): string {
  if (format === 'json') {
    return (
      JSON.stringify(
        {
          html,
          plots: plots.map((plot) => ({...plot, png: shown(plot.png), svg: shown(plot.svg)})),
          missing,
        },
        null,
        2,
      ) + '\n'
    );
  }
  const notes = [
    ...missing.map(({rev, path, why}) => `missing at ${rev}: ${path}: ${why}`),
    ...plots.flatMap((plot) =>
      plot.warnings.map((warning) => `warning: ${plot.source}: ${warning}`),
    ),
  ];
  if (format === 'md') {
    const images = plots.map(
      (plot) => `### ${plot.title}\n\n![${plot.title}](${shown(plot.png)})\n`,
    );
    return [
      ...images,
      ...notes.map((note) => `> ${note}\n`),
      `All plots: [${html}](${html})\n`,
    ].join('\n');
  }
  const table = renderTable(
    ['Plot', 'Revisions', 'Layout', 'PNG'],
    plots.map((plot) => [plot.name, plot.revisions.join(', '), plot.layout, shown(plot.png)]),
    'text',
  );
  return table + notes.map((note) => `${note}\n`).join('') + `HTML: ${html}\n`;
}

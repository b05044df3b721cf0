import {mkdir} from 'node:fs/promises';
import {join, posix} from 'node:path';
import {writeFileAtomic} from '../cache/atomic-write.js';
import {combineRevisions, canOverlay, type CombineMode, type RevisionPlot} from './combine.js';
import {plotFonts} from './fonts.js';
import {plotsHtml} from './html.js';
import type {LoadedPlots} from './load-specs.js';
import {renderSvg, svgToPng, type PlotSpec} from './render.js';

/** A plot drawn to files. Paths are relative to the output folder. */
export interface WrittenPlot {
  /** File stem: the spec's name (`silhouette_by_k`). */
  readonly name: string;
  readonly title: string;
  /** The spec path (relative to the project root). */
  readonly source: string;
  /** Revisions shown, in order. */
  readonly revisions: readonly string[];
  /** `overlay`, `side-by-side`, or `single` when only one revision has the plot. */
  readonly layout: 'overlay' | 'side-by-side' | 'single';
  readonly png: string;
  readonly svg: string;
  /** What Vega and Vega-Lite warned about while drawing (e.g. an encoding they dropped). */
  readonly warnings: readonly string[];
}

/** A plot that could not be drawn, and why. */
export interface PlotFailure {
  readonly source: string;
  readonly message: string;
}

/** One plot across revisions, before drawing. */
export interface PlotToDraw {
  readonly source: string;
  readonly revisions: readonly RevisionPlot[];
}

/**
 * Matches plots across revisions by spec path, in path order. A plot only one revision has is
 * kept (labelled by that revision), so a new or removed plot still shows up in a diff.
 */
export function matchPlots(
  snapshots: readonly {readonly label: string; readonly loaded: LoadedPlots}[],
): PlotToDraw[] {
  const byPath = new Map<string, RevisionPlot[]>();
  for (const {label, loaded} of snapshots) {
    for (const plot of loaded.plots) {
      const list = byPath.get(plot.path) ?? [];
      list.push({label, spec: plot.spec});
      byPath.set(plot.path, list);
    }
  }
  return [...byPath.keys()].sort().map((source) => ({source, revisions: byPath.get(source) ?? []}));
}

/**
 * Draws each plot to `<dir>/<name>.svg` and `.png`, plus `<dir>/index.html` with every SVG
 * inline. Files are written to temp names and renamed, so a failure leaves no partial image.
 */
export async function writePlots(
  plots: readonly PlotToDraw[],
  dir: string,
  options: {
    readonly mode?: CombineMode;
    readonly scale?: number;
    readonly heading?: string;
    /** How many revisions are compared; a plot fewer of them have is titled `(REV only)`. */
    readonly revisionCount?: number;
  } = {},
): Promise<{plots: WrittenPlot[]; failed: PlotFailure[]; html: string}> {
  await mkdir(dir, {recursive: true});
  const fonts = plotFonts();
  const names = uniqueNames(plots.map((plot) => plot.source));
  const written: WrittenPlot[] = [];
  const failed: PlotFailure[] = [];
  const html: {title: string; source: string; svg: string}[] = [];
  for (const [index, plot] of plots.entries()) {
    const name = names[index] ?? `plot-${index}`;
    const mode = options.mode ?? 'auto';
    const spec = combineRevisions(plot.revisions, mode);
    const layout =
      plot.revisions.length === 1
        ? 'single'
        : mode !== 'side-by-side' && canOverlay(plot.revisions)
          ? 'overlay'
          : 'side-by-side';
    const only =
      plot.revisions.length < (options.revisionCount ?? 1)
        ? plot.revisions.map(({label}) => label).join(', ')
        : undefined;
    const title = titleOf(spec, name) + (only ? ` (${only} only)` : '');
    let svg: string;
    const warnings: string[] = [];
    try {
      svg = await renderSvg(spec, fonts, warnings);
    } catch (error) {
      // One bad spec must not cost the reviewer every other plot: note it and carry on.
      const detail = error instanceof Error ? error.message : String(error);
      failed.push({
        source: plot.source,
        message: `${plot.source} could not be drawn (${detail}); check the spec against the Vega-Lite 6 schema`,
      });
      continue;
    }
    await writeFileAtomic(join(dir, `${name}.svg`), svg);
    await writeFileAtomic(
      join(dir, `${name}.png`),
      svgToPng(svg, {fonts, ...scaleOption(options.scale)}),
    );
    written.push({
      name,
      title,
      source: plot.source,
      revisions: plot.revisions.map(({label}) => label),
      layout,
      png: `${name}.png`,
      svg: `${name}.svg`,
      warnings: [...new Set(warnings)],
    });
    html.push({title, source: plot.source, svg});
  }
  await writeFileAtomic(join(dir, 'index.html'), plotsHtml(options.heading ?? 'Plots', html));
  return {plots: written, failed, html: 'index.html'};
}

/** The spec's title text, else its file name. */
export function titleOf(spec: PlotSpec, fallback: string): string {
  const title = spec['title'];
  if (typeof title === 'string') return title;
  if (typeof title === 'object' && title !== null && 'text' in title) {
    const text = (title as {text: unknown}).text;
    if (typeof text === 'string') return text;
    if (Array.isArray(text)) return text.join(' ');
  }
  return fallback;
}

/** `reports/plots/a.json` -> `a`; two specs with the same name get their folder prefixed. */
function uniqueNames(sources: readonly string[]): string[] {
  const stem = (source: string): string => posix.basename(source).replace(/(\.vl)?\.json$/, '');
  const counts = new Map<string, number>();
  for (const source of sources) counts.set(stem(source), (counts.get(stem(source)) ?? 0) + 1);
  return sources.map((source) =>
    (counts.get(stem(source)) ?? 0) > 1
      ? source.replace(/(\.vl)?\.json$/, '').replace(/[^A-Za-z0-9_-]+/g, '_')
      : stem(source),
  );
}

function scaleOption(scale: number | undefined): {scale?: number} {
  return scale === undefined ? {} : {scale};
}

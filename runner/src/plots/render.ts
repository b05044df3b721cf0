import {Resvg} from '@resvg/resvg-js';
import {logger, parse, View, Warn} from 'vega';
import {compile, type TopLevelSpec} from 'vega-lite';
import {plotFonts, type PlotFonts} from './fonts.js';
import {useFontMetrics} from './text-metrics.js';

/** A Vega-Lite spec with every `data.url` already inlined (see load-specs.ts). */
export type PlotSpec = Record<string, unknown>;

/** Pixels per SVG unit in PNGs: 2 keeps 11 px axis labels crisp in a PR comment. */
export const DEFAULT_PNG_SCALE = 2;

/**
 * Compiles a Vega-Lite spec and draws it to SVG headlessly (no canvas, no browser). The font
 * family is pinned so the rasteriser finds exactly the font it was told to load. Vega's
 * warnings (e.g. a field missing from the data) are appended to `warnings`.
 */
export async function renderSvg(
  spec: PlotSpec,
  fonts: PlotFonts = plotFonts(),
  warnings: string[] = [],
): Promise<string> {
  useFontMetrics(fonts);
  // Vega and Vega-Lite log to the console by default; the CLI decides what to show.
  const collect = logger(Warn, undefined, (_method, _level, input) => {
    warnings.push(input.map((part) => String(part)).join(' '));
  });
  const withFont = withFontConfig(spec, fonts.family);
  const vegaSpec = compile(withFont as unknown as TopLevelSpec, {logger: collect}).spec;
  const view = new View(parse(vegaSpec), {renderer: 'none', logger: collect, logLevel: Warn});
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG on a white background with the project's fonts loaded explicitly. */
export function svgToPng(
  svg: string,
  options: {readonly scale?: number; readonly fonts?: PlotFonts} = {},
): Buffer {
  const fonts = options.fonts ?? plotFonts();
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: {mode: 'zoom', value: options.scale ?? DEFAULT_PNG_SCALE},
    font: {
      // System fonts are a fallback only when none of the known families exists.
      loadSystemFonts: fonts.files.length === 0,
      fontFiles: [...fonts.files],
      defaultFontFamily: fonts.family,
      sansSerifFamily: fonts.family,
    },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

function withFontConfig(spec: PlotSpec, family: string): PlotSpec {
  const config = isRecord(spec['config']) ? spec['config'] : {};
  // Vega-Lite's own config keys win over ours: a spec that sets a font keeps it.
  return {...spec, config: {font: family, background: 'white', ...config}};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

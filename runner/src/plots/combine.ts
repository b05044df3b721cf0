import type {PlotSpec} from './render.js';

/** How `plots diff` puts revisions together. `auto` overlays when it can, else side by side. */
export type CombineMode = 'auto' | 'overlay' | 'side-by-side';

/** One revision's version of a plot. */
export interface RevisionPlot {
  readonly label: string;
  readonly spec: PlotSpec;
}

/** Properties only a top-level spec may carry; they move to the parent in a concat. */
const TOP_LEVEL_ONLY = ['$schema', 'config', 'autosize', 'background', 'padding', 'usermeta'];

/**
 * One spec showing every revision. Overlay adds a `rev` field to the data and colours by it
 * (grouped bars for bar charts); it needs specs that differ only in their data, inline values at
 * the top and no colour channel already in use. Anything else is drawn side by side.
 */
export function combineRevisions(revisions: readonly RevisionPlot[], mode: CombineMode): PlotSpec {
  const [first] = revisions;
  if (!first) throw new Error('combineRevisions needs at least one revision');
  if (revisions.length === 1) return first.spec;
  if (mode !== 'side-by-side' && canOverlay(revisions)) return overlay(revisions);
  return sideBySide(revisions);
}

/** Whether `combineRevisions` would overlay these revisions. */
export function canOverlay(revisions: readonly RevisionPlot[]): boolean {
  const shapes = new Set(revisions.map(({spec}) => JSON.stringify(withoutData(spec))));
  if (shapes.size !== 1) return false;
  return revisions.every(({spec}) => {
    const data = spec['data'];
    return (
      isRecord(data) &&
      Array.isArray(data['values']) &&
      !usesColor(spec) &&
      !('facet' in spec) &&
      !('repeat' in spec) &&
      !hasConcat(spec)
    );
  });
}

function overlay(revisions: readonly RevisionPlot[]): PlotSpec {
  const labels = revisions.map(({label}) => label);
  const values = revisions.flatMap(({label, spec}) =>
    ((spec['data'] as {values: unknown[]}).values ?? []).map((row) =>
      isRecord(row) ? {...row, rev: label} : {value: row, rev: label},
    ),
  );
  const head = revisions.at(-1)?.spec ?? {};
  const color = {field: 'rev', type: 'nominal', title: 'Revision', sort: labels};
  const addColor = (view: Record<string, unknown>): Record<string, unknown> => {
    if (!('mark' in view)) return view;
    const encoding = isRecord(view['encoding']) ? view['encoding'] : {};
    const markType = isRecord(view['mark']) ? view['mark']['type'] : view['mark'];
    const fixedColor =
      isRecord(view['mark']) && ('color' in view['mark'] || 'fill' in view['mark']);
    if (fixedColor) return view;
    const offset = markType === 'bar' ? offsetChannel(encoding) : undefined;
    return {
      ...view,
      encoding: {
        ...encoding,
        color,
        ...(offset ? {[offset]: {field: 'rev', type: 'nominal', sort: labels}} : {}),
        // Identical lines would hide the earlier revision; a dashed later one lets both show.
        ...(markType === 'line'
          ? {strokeDash: {field: 'rev', type: 'nominal', sort: labels, legend: null}}
          : {}),
      },
    };
  };
  const layered = Array.isArray(head['layer'])
    ? {layer: (head['layer'] as unknown[]).map((view) => (isRecord(view) ? addColor(view) : view))}
    : {};
  return {...addColor(head), ...layered, data: {values}};
}

/** Grouped bars: offset along the discrete axis so revisions stand next to each other. */
function offsetChannel(encoding: Record<string, unknown>): 'xOffset' | 'yOffset' | undefined {
  const discrete = (channel: unknown): boolean =>
    isRecord(channel) && (channel['type'] === 'nominal' || channel['type'] === 'ordinal');
  if (discrete(encoding['x'])) return 'xOffset';
  if (discrete(encoding['y'])) return 'yOffset';
  return undefined;
}

function sideBySide(revisions: readonly RevisionPlot[]): PlotSpec {
  const head = revisions.at(-1)?.spec ?? {};
  const parent: PlotSpec = {};
  for (const key of TOP_LEVEL_ONLY) if (key in head) parent[key] = head[key];
  const title = head['title'];
  // The parent title names the plot, each child's the revision: sizes keep that hierarchy visible.
  return {
    ...parent,
    ...(title === undefined
      ? {}
      : {title: typeof title === 'string' ? {text: title, fontSize: 15} : title}),
    ...sharedScales(revisions.map(({spec}) => spec)),
    hconcat: revisions.map(({label, spec}) => {
      const child = Object.fromEntries(
        Object.entries(spec).filter(([key]) => !TOP_LEVEL_ONLY.includes(key) && key !== 'title'),
      );
      return {...child, title: {text: label, fontSize: 12, fontWeight: 'normal', color: '#444'}};
    }),
  };
}

/**
 * Shared continuous axes make the panels comparable at a glance: the same point sits at the
 * same place. Discrete axes are left alone: Vega-Lite cannot share a scale between views sized
 * by step (it defines the step signal twice), and categories differ between revisions anyway.
 */
function sharedScales(specs: readonly PlotSpec[]): {resolve?: unknown} {
  const scale: Record<string, 'shared'> = {};
  for (const channel of ['x', 'y'] as const) {
    const types = specs.flatMap((spec) => channelTypes(spec, channel));
    if (types.length > 0 && types.every((type) => type === 'quantitative' || type === 'temporal')) {
      scale[channel] = 'shared';
    }
  }
  return Object.keys(scale).length > 0 ? {resolve: {scale}} : {};
}

/** The encoding types a spec uses on a position channel, at the top and in its layers. */
function channelTypes(view: unknown, channel: 'x' | 'y'): string[] {
  if (!isRecord(view)) return [];
  const encoding = view['encoding'];
  const own =
    isRecord(encoding) && isRecord(encoding[channel])
      ? [String(encoding[channel]['type'] ?? 'unknown')]
      : [];
  const layers = Array.isArray(view['layer']) ? view['layer'] : [];
  return [...own, ...layers.flatMap((layer) => channelTypes(layer, channel))];
}

function withoutData(spec: PlotSpec): PlotSpec {
  return Object.fromEntries(Object.entries(spec).filter(([key]) => key !== 'data'));
}

function usesColor(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(usesColor);
  if (!isRecord(node)) return false;
  const encoding = node['encoding'];
  if (isRecord(encoding) && ('color' in encoding || 'fill' in encoding || 'stroke' in encoding)) {
    return true;
  }
  return Array.isArray(node['layer']) && usesColor(node['layer']);
}

function hasConcat(spec: PlotSpec): boolean {
  return 'hconcat' in spec || 'vconcat' in spec || 'concat' in spec;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import {posix} from 'node:path';
import {read as readTable} from 'vega';
import {ReportFailure} from '../report/failure.js';
import type {RevisionFiles} from '../report/revision.js';
import type {PlotSpec} from './render.js';

/** A Vega-Lite spec read at one revision, its data inlined so it renders without I/O. */
export interface LoadedPlot {
  /** Path of the spec file, relative to the project root. */
  readonly path: string;
  readonly spec: PlotSpec;
}

/** What `loadPlots` found at one revision. */
export interface LoadedPlots {
  readonly plots: readonly LoadedPlot[];
  readonly missing: readonly {readonly path: string; readonly why: string}[];
}

const VIEW_KEYS = ['mark', 'layer', 'hconcat', 'vconcat', 'concat', 'facet', 'repeat', 'spec'];

/**
 * Reads the Vega-Lite specs at or under the declared plot paths. JSON files that are not specs
 * (data a spec references by `data.url`) are skipped; their contents get inlined instead.
 */
export async function loadPlots(
  files: RevisionFiles,
  paths: readonly string[],
): Promise<LoadedPlots> {
  const plots: LoadedPlot[] = [];
  const missing: {path: string; why: string}[] = [];
  for (const declared of [...new Set(paths)].sort()) {
    const listed = (await files.list(declared)).filter((path) => path.endsWith('.json'));
    if (listed.length === 0) {
      const outcome = await files.read(declared);
      missing.push({path: declared, why: outcome.found ? 'not a JSON file' : outcome.why});
      continue;
    }
    for (const path of listed) {
      const outcome = await files.read(path);
      if (!outcome.found) {
        missing.push({path, why: outcome.why});
        continue;
      }
      const parsed = parseJson(outcome.bytes, path, files.label);
      if (!isVegaLiteSpec(parsed)) continue;
      plots.push({path, spec: await inlineData(parsed, path, files)});
    }
  }
  return {plots, missing};
}

/** A Vega-Lite spec names its schema or has a view at the top (a data file is an array). */
export function isVegaLiteSpec(value: unknown): value is PlotSpec {
  if (!isRecord(value)) return false;
  const schema = value['$schema'];
  if (typeof schema === 'string') return schema.includes('vega-lite');
  return VIEW_KEYS.some((key) => key in value);
}

/**
 * Replaces every `data: {url}` (relative to the spec, at the same revision) and every
 * `data: {name}` that refers to top-level `datasets` with inline values, throughout the spec.
 */
async function inlineData(
  spec: PlotSpec,
  specPath: string,
  files: RevisionFiles,
): Promise<PlotSpec> {
  const datasets = isRecord(spec['datasets']) ? spec['datasets'] : {};
  const visit = async (node: unknown): Promise<unknown> => {
    if (Array.isArray(node)) return Promise.all(node.map(visit));
    if (!isRecord(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      if (key === 'datasets') continue;
      out[key] =
        key === 'data' && isRecord(child)
          ? await inlineOne(child, specPath, files, datasets)
          : await visit(child);
    }
    return out;
  };
  return (await visit(spec)) as PlotSpec;
}

async function inlineOne(
  data: Record<string, unknown>,
  specPath: string,
  files: RevisionFiles,
  datasets: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const name = data['name'];
  if (typeof name === 'string' && !('url' in data) && !('values' in data) && name in datasets) {
    return {values: datasets[name]};
  }
  const url = data['url'];
  if (typeof url !== 'string') return data;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('/')) {
    throw new ReportFailure(
      'invalid-plot-spec',
      `${specPath}: data.url "${url}" is not a path relative to the spec; write the data next to the spec (e.g. "${posix.basename(specPath, '.json')}.data.json") so plots render offline and from the cache`,
    );
  }
  const dataPath = posix.normalize(posix.join(posix.dirname(specPath), url));
  if (dataPath.startsWith('../')) {
    throw new ReportFailure(
      'invalid-plot-spec',
      `${specPath}: data.url "${url}" points outside the project; keep plot data inside it`,
    );
  }
  const outcome = await files.read(dataPath);
  if (!outcome.found) {
    throw new ReportFailure(
      'file-unreadable',
      `${specPath} at ${files.label} reads its data from ${dataPath}, which cannot be read: ${outcome.why}`,
    );
  }
  const format = isRecord(data['format']) ? data['format'] : {};
  const type = typeof format['type'] === 'string' ? format['type'] : extensionType(dataPath);
  if (type !== 'json' && type !== 'csv' && type !== 'tsv') {
    throw new ReportFailure(
      'invalid-plot-spec',
      `${specPath}: data format "${type}" is not supported for plots; write the data as JSON, CSV or TSV`,
    );
  }
  let values: unknown;
  try {
    values =
      type === 'json'
        ? pick(JSON.parse(outcome.bytes.toString('utf8')), format['property'])
        : readTable(outcome.bytes.toString('utf8'), {type, parse: 'auto'});
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ReportFailure(
      'invalid-plot-spec',
      `${dataPath} (data of ${specPath}) is not valid ${type}: ${detail}`,
    );
  }
  const rest = Object.fromEntries(
    Object.entries(data).filter(([key]) => key !== 'url' && key !== 'format'),
  );
  // Field parsing (dates, numbers) still applies to inline values; the file type does not.
  const parse = format['parse'];
  return {...rest, values, ...(parse === undefined ? {} : {format: {parse}})};
}

function extensionType(path: string): string {
  const extension = posix.extname(path).slice(1).toLowerCase();
  return extension === 'csv' || extension === 'tsv' ? extension : 'json';
}

function pick(value: unknown, property: unknown): unknown {
  if (typeof property !== 'string') return value;
  return property
    .split('.')
    .reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);
}

function parseJson(bytes: Buffer, path: string, label: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ReportFailure(
      'invalid-plot-spec',
      `${path} at ${label} is not valid JSON: ${detail}`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

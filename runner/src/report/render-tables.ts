import {
  DEFAULT_PRECISION,
  formatDelta,
  formatValue,
  renderTable,
  type OutputFormat,
} from './format.js';
import type {MetricDiffRow, MetricsSnapshot} from './metrics.js';
import type {ParamDiffRow} from './params.js';

/** Options shared by the show/diff renderers. */
export interface RenderOptions {
  readonly format: OutputFormat;
  /** Significant digits in tables; JSON keeps full values. */
  readonly precision?: number;
}

/** `▲ better`, `▼ worse`, `▲` (neutral metric), `new`, `removed`, or '' when unchanged. */
export function changeMark(row: MetricDiffRow): string {
  const arrow = row.delta === undefined ? '' : row.delta > 0 ? '▲' : row.delta < 0 ? '▼' : '';
  switch (row.change) {
    case 'better':
    case 'worse':
      return `${arrow} ${row.change}`;
    case 'changed':
      return arrow || 'changed';
    case 'added':
      return 'new';
    case 'removed':
      return 'removed';
    case 'same':
      return '';
  }
}

/** `metrics show`: one row per file and key. JSON: `{file: {key: value}}`. */
export function renderMetricsShow(snapshot: MetricsSnapshot, options: RenderOptions): string {
  if (options.format === 'json') {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [file, values] of snapshot.files) out[file] = Object.fromEntries(values);
    return JSON.stringify(out, null, 2) + '\n';
  }
  const precision = options.precision ?? DEFAULT_PRECISION;
  const rows = [...snapshot.files].flatMap(([file, values]) =>
    [...values].map(([key, value]) => [file, key, formatValue(value, precision)]),
  );
  return (
    renderTable(['Path', 'Metric', snapshot.label], rows, options.format, [
      'left',
      'left',
      'right',
    ]) + missingNote(snapshot, options.format)
  );
}

/**
 * `metrics diff`: base, head, delta and a direction mark per changed key. JSON mirrors DVC's
 * shape, `{file: {key: {old, new, diff, change, direction}}}`.
 */
export function renderMetricsDiff(
  rows: readonly MetricDiffRow[],
  labels: {readonly base: string; readonly head: string},
  options: RenderOptions,
): string {
  if (options.format === 'json') {
    const out: Record<string, Record<string, unknown>> = {};
    for (const row of rows) {
      (out[row.file] ??= {})[row.key] = {
        old: row.base ?? null,
        new: row.head ?? null,
        diff: row.delta ?? null,
        change: row.change,
        direction: row.direction,
      };
    }
    return JSON.stringify(out, null, 2) + '\n';
  }
  const precision = options.precision ?? DEFAULT_PRECISION;
  const table = rows.map((row) => [
    row.file,
    row.key,
    formatValue(row.base, precision),
    formatValue(row.head, precision),
    row.delta === undefined ? '—' : formatDelta(row.delta, precision),
    changeMark(row),
  ]);
  return renderTable(
    ['Path', 'Metric', labels.base, labels.head, 'Change', ''],
    table,
    options.format,
    ['left', 'left', 'right', 'right', 'right', 'left'],
  );
}

/** `params diff`: JSON is `{file: {key: {old, new}}}`. */
export function renderParamsDiff(
  rows: readonly ParamDiffRow[],
  labels: {readonly base: string; readonly head: string},
  options: RenderOptions,
): string {
  if (options.format === 'json') {
    const out: Record<string, Record<string, unknown>> = {};
    for (const row of rows) {
      (out[row.file] ??= {})[row.key] = {old: row.base ?? null, new: row.head ?? null};
    }
    return JSON.stringify(out, null, 2) + '\n';
  }
  const precision = options.precision ?? DEFAULT_PRECISION;
  const table = rows.map((row) => [
    row.file,
    row.key,
    formatValue(row.base, precision),
    formatValue(row.head, precision),
  ]);
  return renderTable(['Path', 'Param', labels.base, labels.head], table, options.format, [
    'left',
    'left',
    'right',
    'right',
  ]);
}

function missingNote(snapshot: MetricsSnapshot, format: 'md' | 'text'): string {
  if (snapshot.missing.length === 0) return '';
  const lines = snapshot.missing.map(({path, why}) => `${path}: ${why}`);
  return format === 'md'
    ? `\n${lines.map((line) => `> missing: ${line}`).join('\n')}\n`
    : lines.map((line) => `missing: ${line}`).join('\n') + '\n';
}

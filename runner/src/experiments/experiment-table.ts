import type {ExperimentRecord} from './experiment-store.js';
import {flatten} from './flatten.js';

export interface ExperimentTable {
  readonly paramColumns: readonly string[];
  readonly metricColumns: readonly string[];
  readonly rows: readonly ExperimentRow[];
}

export interface ExperimentRow {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, unknown>>;
}

/**
 * Params and metrics of experiments as columns. Params are keyed by dotted key (prefixed by the
 * file when not params.yaml); metrics by their key inside the metrics file (prefixed by the file
 * name when two files share a key).
 */
export function experimentTable(
  records: readonly ExperimentRecord[],
  options: {onlyChanged: boolean; sort?: {key: string; ascending: boolean}},
): ExperimentTable {
  const rows: ExperimentRow[] = records.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.createdAt,
    params: paramColumns(r),
    metrics: metricColumns(r),
  }));
  let params = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  if (options.onlyChanged) {
    params = params.filter(
      (p) => new Set(rows.map((r) => JSON.stringify(r.params[p] ?? null))).size > 1,
    );
  }
  if (options.sort) {
    const {key, ascending} = options.sort;
    const value = (r: ExperimentRow): number => {
      const v = r.metrics[key] ?? r.params[key];
      return typeof v === 'number' ? v : Number.NaN;
    };
    rows.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
      if (Number.isNaN(y)) return -1;
      return ascending ? x - y : y - x;
    });
  }
  return {paramColumns: params, metricColumns: metrics, rows};
}

function paramColumns(record: ExperimentRecord): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [file, values] of Object.entries(record.params)) {
    for (const [key, value] of Object.entries(flatten(values))) {
      columns[file === 'params.yaml' ? key : `${file}:${key}`] = value;
    }
  }
  return columns;
}

function metricColumns(record: ExperimentRecord): Record<string, unknown> {
  const perFile = Object.entries(record.metrics).map(
    ([file, value]) => [file, flatten(value)] as const,
  );
  const counts = new Map<string, number>();
  for (const [, values] of perFile)
    for (const key of Object.keys(values)) counts.set(key, (counts.get(key) ?? 0) + 1);
  const columns: Record<string, unknown> = {};
  for (const [file, values] of perFile) {
    const stem = file.replace(/^.*\//, '').replace(/\.[^.]+$/, '');
    for (const [key, value] of Object.entries(values)) {
      if (Array.isArray(value)) continue;
      columns[(counts.get(key) ?? 0) > 1 ? `${stem}.${key}` : key] = value;
    }
  }
  return columns;
}

/** Short, stable text for a cell. */
export function cell(value: unknown, precision = 5): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(precision)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function toMarkdown(table: ExperimentTable, precision: number): string {
  const header = ['experiment', ...table.paramColumns, ...table.metricColumns];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of table.rows) {
    const cells = [
      `${r.name} (${r.id.slice(0, 7)})`,
      ...table.paramColumns.map((p) => cell(r.params[p], precision)),
      ...table.metricColumns.map((m) => cell(r.metrics[m], precision)),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

export function toCsv(table: ExperimentTable): string {
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ['id', 'name', 'created', ...table.paramColumns, ...table.metricColumns];
  const lines = [header.map(quote).join(',')];
  for (const r of table.rows) {
    const values = [
      r.id,
      r.name,
      r.createdAt,
      ...table.paramColumns.map((p) => cell(r.params[p], 17)),
      ...table.metricColumns.map((m) => cell(r.metrics[m], 17)),
    ];
    lines.push(values.map(quote).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function toText(table: ExperimentTable, precision: number): string {
  const header = ['experiment', ...table.paramColumns, ...table.metricColumns];
  const body = table.rows.map((r) => [
    `${r.name} (${r.id.slice(0, 7)})`,
    ...table.paramColumns.map((p) => cell(r.params[p], precision)),
    ...table.metricColumns.map((m) => cell(r.metrics[m], precision)),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

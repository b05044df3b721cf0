/** How the show/diff commands print: a markdown table, JSON, or aligned plain text. */
export type OutputFormat = 'md' | 'json' | 'text';

/** Significant digits in tables unless told otherwise (JSON always has full values). */
export const DEFAULT_PRECISION = 5;

/**
 * A number with `precision` significant digits, without exponent noise for everyday magnitudes:
 * integers print whole, large values round to an integer, trailing zeros are dropped.
 */
export function formatNumber(value: number, precision = DEFAULT_PRECISION): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 10 ** precision) return Math.round(value).toString();
  return String(Number(value.toPrecision(precision)));
}

/** A signed delta: `+0.01234`, `-3`. */
export function formatDelta(value: number, precision = DEFAULT_PRECISION): string {
  const text = formatNumber(value, precision);
  return value > 0 ? `+${text}` : text;
}

/** Any metric or param value as one table cell; `—` for absent. */
export function formatValue(value: unknown, precision = DEFAULT_PRECISION): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value, precision);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

/** A markdown table, or columns padded to equal width for terminals and logs. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  format: 'md' | 'text',
  align: readonly Align[] = [],
): string {
  if (format === 'md') {
    const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
    const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
    const rule = headers.map((_, index) => (align[index] === 'right' ? '---:' : '---'));
    return [line(headers), `|${rule.join('|')}|`, ...rows.map(line)].join('\n') + '\n';
  }
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((text, index) => {
        const width = widths[index] ?? 0;
        return align[index] === 'right' ? text.padStart(width) : text.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

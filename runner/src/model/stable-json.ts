/**
 * JSON with keys sorted at every level and numbers in JavaScript's shortest round-trip form, so
 * equal values always give equal bytes. Non-finite numbers are refused (JSON has none).
 */
export function stableStringify(value: unknown, indent = 2): string {
  return `${write(value, '', ' '.repeat(indent))}\n`;
}

/** A JSON array of records, one compact sorted-key record per line (plot data, tables). */
export function stableRows(rows: readonly unknown[]): string {
  if (rows.length === 0) return '[]\n';
  return `[\n${rows.map((row) => compact(row)).join(',\n')}\n]\n`;
}

function compact(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${compact(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(compact).join(',')}]`;
  return write(value, '', '');
}

function write(value: unknown, pad: string, step: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`Cannot write ${value} to JSON.`);
    return Object.is(value, -0) ? '0' : JSON.stringify(value);
  }
  const inner = pad + step;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>);
    if (items.length === 0) return '[]';
    // Numeric vectors stay on one line: model.json holds long ones and stays readable.
    if (items.every((v) => typeof v === 'number')) {
      return `[${items.map((v) => write(v, inner, step)).join(', ')}]`;
    }
    return `[\n${items.map((v) => inner + write(v, inner, step)).join(',\n')}\n${pad}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return '{}';
    return `{\n${entries
      .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner, step)}`)
      .join(',\n')}\n${pad}}`;
  }
  throw new TypeError(`Cannot write a ${typeof value} to JSON.`);
}

import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {Diagnostic, SourceLocation} from './diagnostic.js';

interface PrintOptions {
  /** Paths are shown relative to this folder. */
  readonly cwd: string;
  /** ANSI colours (for a terminal). */
  readonly color: boolean;
}

/** A source file split into lines, with the offset where each line starts. */
interface SourceText {
  readonly lines: readonly string[];
  readonly starts: readonly number[];
}

const ANSI = {
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  reset: '\u001b[0m',
};

function readSource(file: string, cache: Map<string, SourceText | null>): SourceText | null {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  let text: SourceText | null;
  try {
    const content = readFileSync(file, 'utf8');
    const lines = content.split(/\r\n|\n|\r/);
    const starts: number[] = [];
    // Line starts are computed on the raw text so `\r\n` endings keep offsets right.
    const breaks = /\r\n|\n|\r/g;
    starts.push(0);
    for (let m = breaks.exec(content); m; m = breaks.exec(content)) {
      starts.push(m.index + m[0].length);
    }
    text = {lines, starts};
  } catch {
    text = null;
  }
  cache.set(file, text);
  return text;
}

/** 0-based line index holding `offset` (binary search over line starts). */
function lineIndexOf(source: SourceText, offset: number): number {
  let lo = 0;
  let hi = source.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (source.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface Rendered {
  readonly header: string;
  readonly excerpt: readonly string[];
}

function render(
  location: SourceLocation,
  options: PrintOptions,
  cache: Map<string, SourceText | null>,
  paint: (code: keyof typeof ANSI, text: string) => string,
  markerColor: keyof typeof ANSI,
): Rendered {
  const absolute = path.resolve(options.cwd, location.file);
  const shown = path.relative(options.cwd, absolute) || path.basename(absolute);
  const display = shown.split(path.sep).join('/');
  const source = readSource(absolute, cache);
  if (!source) return {header: display, excerpt: []};
  const index = lineIndexOf(source, location.offset);
  const line = source.lines[index] ?? '';
  const column = Math.min(location.offset - source.starts[index]!, line.length);
  // A range that spans lines is underlined to the end of its first line.
  const width = Math.max(1, Math.min(location.length, line.length - column));
  const number = String(index + 1);
  const gutter = ' '.repeat(Math.max(5, number.length + 1));
  const lineLabel = (gutter + number).slice(-gutter.length);
  // Tabs are kept in the marker line so carets stay under the right characters.
  const pad = line.slice(0, column).replace(/[^\t]/g, ' ');
  return {
    header: `${display}:${index + 1}:${column + 1}`,
    excerpt: [
      paint('dim', `${lineLabel} | `) + line,
      paint('dim', `${gutter} | `) + pad + paint(markerColor, '^'.repeat(width)),
    ],
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Renders diagnostics as `file:line:col: error[reason]: message`, the source line and a caret
 * marker, then each supplemental location the same way, and a summary line. Reads the source
 * files itself (once each) so analysis never pays for line numbers it does not print.
 */
export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  options: {cwd: string; color: boolean},
): string {
  const cache = new Map<string, SourceText | null>();
  const paint = (code: keyof typeof ANSI, text: string): string =>
    options.color ? ANSI[code] + text + ANSI.reset : text;
  const blocks: string[] = [];
  const files: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
    const color = d.severity === 'error' ? 'red' : 'yellow';
    const label = paint(color, `${d.severity}[${d.reason}]`);
    const lines: string[] = [];
    if (d.location) {
      const r = render(d.location, options, cache, paint, color);
      const file = r.header.replace(/:\d+:\d+$/, '');
      if (!files.includes(file)) files.push(file);
      lines.push(`${paint('bold', r.header)}: ${label}: ${paint('bold', d.message)}`, ...r.excerpt);
    } else {
      lines.push(`${label}: ${paint('bold', d.message)}`);
    }
    for (const s of d.supplemental ?? []) {
      const r = render(s.location, options, cache, paint, 'cyan');
      lines.push(`${r.header}: ${paint('cyan', 'note')}: ${s.message}`, ...r.excerpt);
    }
    blocks.push(lines.join('\n'));
  }
  const counts = [
    ...(errors > 0 ? [plural(errors, 'error')] : []),
    ...(warnings > 0 ? [plural(warnings, 'warning')] : []),
  ];
  if (counts.length === 0) return '';
  const summary = counts.join(' and ') + (files.length > 0 ? ` in ${files.join(', ')}` : '');
  return blocks.join('\n\n') + '\n\n' + summary + '\n';
}

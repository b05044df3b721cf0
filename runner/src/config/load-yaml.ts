import {parseDocument} from 'yaml';
import {AnalysisInputs} from '../analysis/analysis-inputs.js';
import type {DiagnosticCollector} from '../diagnostics/collector.js';
import {locate} from '../diagnostics/collector.js';
import {toLocated, type LNode} from './located.js';

/** A YAML file read for analysis: its located tree, or nothing when it could not be used. */
export interface LoadedYaml {
  readonly file: string;
  /** Undefined when the file is missing or has errors that make its content meaningless. */
  readonly root: LNode | undefined;
  readonly exists: boolean;
}

const CONFLICT_MARKER = /^(<{7}|={7}|>{7})(?: |$)/;

/**
 * Reads (recording it in `inputs`) and parses a YAML file, reporting every syntax error, duplicate key and left-over
 * merge-conflict marker. A missing file is not reported here (the caller knows whether that is
 * an error and where to point).
 */
export function loadYaml(
  file: string,
  diagnostics: DiagnosticCollector,
  inputs: AnalysisInputs = new AnalysisInputs(),
): LoadedYaml {
  const text = inputs.readText(file);
  if (text === undefined) return {file, root: undefined, exists: false};
  if (findConflictMarkers(file, text, diagnostics)) return {file, root: undefined, exists: true};
  const doc = parseDocument(text, {prettyErrors: false, merge: true, uniqueKeys: false});
  let fatal = false;
  const linesWithErrors = new Set<number>();
  for (const error of doc.errors) {
    let [start, end] = error.pos;
    if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
      // The parser notices at the end of the file; the mistake is where the quote opened.
      const quote = error.message.includes("'") ? "'" : '"';
      const open = text.lastIndexOf(quote, start - 1);
      if (open >= 0) {
        start = open;
        const lineEnd = text.indexOf('\n', open);
        end = lineEnd < 0 ? text.length : lineEnd;
      }
    }
    const closer = /must be sufficiently indented and end with a ([\]}])/.exec(error.message)?.[1];
    if (closer) {
      // Reported where the parser gave up; point at the bracket that was never closed.
      const open = text.lastIndexOf(closer === ']' ? '[' : '{', start - 1);
      if (open >= 0) [start, end] = [open, open + 1];
    }
    const location = locate(file, {offset: start, length: Math.max(0, end - start)});
    fatal = true;
    const message = error.message.replace(/\s+at line \d+, column \d+:[\s\S]*$/, '');
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    // One mistake often confuses the parser for the rest of its line: report the line once.
    if (linesWithErrors.has(lineStart)) continue;
    linesWithErrors.add(lineStart);
    const lineEnd = text.indexOf('\n', start);
    const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    // `{` and `}` are YAML syntax inside [ ] and { }, a common trap with `${}`.
    const hint =
      line.includes('${') && /[[{]/.test(line.replace(/\$\{[^}]*\}/g, ''))
        ? ' Inside [ ] or { }, quote values that contain ${...}, e.g. ["out/${item}.csv"], or use a block list.'
        : /Nested mappings are not allowed in compact mappings/.test(message)
          ? ' Is the next line indented too far? Keys of one mapping must line up.'
          : ' Check the indentation, quotes and brackets here.';
    diagnostics.error(
      'yaml-syntax',
      `YAML syntax error: ${message.replace(/\.$/, '')}.${hint}`,
      location,
    );
  }
  const root = toLocated(
    doc,
    doc.contents,
    {offset: 0, length: 0},
    (key, span) => {
      diagnostics.error(
        'duplicate-key',
        `Duplicate key "${key}": a key may appear only once in a mapping. Remove or rename one of them.`,
        locate(file, span),
      );
    },
    (span) => {
      fatal = true;
      diagnostics.error(
        'yaml-syntax',
        'The file expands to more than 500,000 values, most likely through nested aliases (*name). Write the values out, or use fewer aliases.',
        locate(file, span),
      );
    },
  );
  return {file, root: fatal ? undefined : root, exists: true};
}

function findConflictMarkers(
  file: string,
  text: string,
  diagnostics: DiagnosticCollector,
): boolean {
  if (!text.includes('<<<<<<<') && !text.includes('>>>>>>>')) return false;
  let found = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    const match = CONFLICT_MARKER.exec(line);
    if (match) {
      found = true;
      diagnostics.error(
        'merge-conflict',
        `Merge-conflict marker "${match[1]}" left in the file. Resolve the conflict: keep the wanted side and delete the <<<<<<<, ======= and >>>>>>> lines.`,
        locate(file, {offset, length: line.replace(/\r$/, '').length}),
      );
    }
    offset += line.length + 1;
  }
  return found;
}

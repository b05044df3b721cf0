import {readFileSync} from 'node:fs';
import {parseDocument} from 'yaml';
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
 * Reads and parses a YAML file, reporting every syntax error, duplicate key and left-over
 * merge-conflict marker. A missing file is not reported here (the caller knows whether that is
 * an error and where to point).
 */
export function loadYaml(file: string, diagnostics: DiagnosticCollector): LoadedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {file, root: undefined, exists: false};
  }
  if (findConflictMarkers(file, text, diagnostics)) return {file, root: undefined, exists: true};
  const doc = parseDocument(text, {prettyErrors: false, merge: true, uniqueKeys: true});
  let fatal = false;
  for (const error of doc.errors) {
    const [start, end] = error.pos;
    const location = locate(file, {offset: start, length: Math.max(0, end - start)});
    if (error.code === 'DUPLICATE_KEY') {
      const key = text.slice(start, end).trim() || 'this key';
      diagnostics.error(
        'duplicate-key',
        `Duplicate key "${key}": a key may appear only once in a mapping. Remove or rename one of them.`,
        location,
      );
    } else {
      fatal = true;
      const message = error.message.replace(/\s+at line \d+, column \d+:[\s\S]*$/, '');
      diagnostics.error(
        'yaml-syntax',
        `YAML syntax error: ${message.replace(/\.$/, '')}. Check the indentation, quotes and brackets here.`,
        location,
      );
    }
  }
  if (fatal) return {file, root: undefined, exists: true};
  const root = toLocated(doc, doc.contents, {offset: 0, length: 0});
  return {file, root, exists: true};
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

import type {LNode, Span} from '../config/located.js';
import {describeValue} from '../config/located.js';
import {didYouMean} from '../diagnostics/suggest.js';
import type {Reason} from '../diagnostics/reasons.js';

/** A layer of values for `${}`: a params/vars file (its values are tracked) or inline values. */
export interface VarSource {
  /** Root-relative path of the file the values came from; undefined for inline vars. */
  readonly file: string | undefined;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Everything `${}` can see in one stage. */
export interface InterpolationContext {
  /** params.yaml and `vars`, merged. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly sources: readonly VarSource[];
  /** `item` and `key` of a foreach/matrix item; they shadow `data`. */
  readonly locals: Readonly<Record<string, unknown>>;
}

/** A params value used through `${}`, to be tracked as a param of the stage. */
export interface TrackedUse {
  readonly file: string;
  readonly key: string;
}

/** Where interpolation reports problems and uses. */
export interface InterpolationSink {
  error(reason: Reason, message: string, span: Span): void;
  use(tracked: TrackedUse): void;
}

/** Returned in place of a value whose interpolation failed (already reported). */
export const FAILED: unique symbol = Symbol('interpolation failed');

type Segment = string | number;

interface Reference {
  readonly text: string;
  readonly segments: readonly Segment[];
}

const SEGMENT = /^(?:([^.[\]\s]+)|\[(\d+)\])/;

function parseReference(expression: string): Reference | undefined {
  const text = expression.trim();
  const segments: Segment[] = [];
  let rest = text;
  let first = true;
  while (rest.length > 0) {
    if (!first && rest.startsWith('.')) rest = rest.slice(1);
    const match = SEGMENT.exec(rest);
    if (!match) return undefined;
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (/^\d+$/.test(match[1]!) && !first) segments.push(Number(match[1]));
    else segments.push(match[1]!);
    rest = rest.slice(match[0].length);
    if (rest.length > 0 && !rest.startsWith('.') && !rest.startsWith('[')) return undefined;
    first = false;
  }
  if (segments.length === 0 || typeof segments[0] !== 'string') return undefined;
  return {text, segments};
}

function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** The dotted params key a reference tracks: its path up to the first list index. */
function trackedKey(segments: readonly Segment[]): string {
  const names: string[] = [];
  for (const s of segments) {
    if (typeof s === 'number') break;
    names.push(s);
  }
  return names.join('.');
}

function hasPath(data: unknown, segments: readonly Segment[]): boolean {
  let current = data;
  for (const s of segments) {
    if (typeof s === 'number') return true;
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return false;
    if (!Object.hasOwn(current, s)) return false;
    current = (current as Record<string, unknown>)[s];
  }
  return true;
}

function resolve(
  reference: Reference,
  context: InterpolationContext,
  sink: InterpolationSink,
  span: Span,
): unknown {
  const [head, ...rest] = reference.segments as [string, ...Segment[]];
  const isLocal = Object.hasOwn(context.locals, head);
  let current: unknown = isLocal ? context.locals[head] : context.data[head];
  if (!isLocal && !Object.hasOwn(context.data, head)) {
    const names = [...Object.keys(context.locals), ...Object.keys(context.data)];
    const known =
      names.length > 0 ? ` Known names: ${names.slice(0, 12).join(', ')}.` : ' Nothing is defined.';
    sink.error(
      'unknown-reference',
      `Unknown name "${head}" in "\${${reference.text}}": it is not in the params file, vars or the foreach/matrix item.${didYouMean(head, names)}${known}`,
      span,
    );
    return FAILED;
  }
  const walked: Segment[] = [head];
  for (const segment of rest) {
    const here = formatPath(walked);
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) {
        sink.error(
          'unknown-reference',
          `"${here}" is ${describeValue(current)}, not a list, so "\${${reference.text}}" cannot index it.`,
          span,
        );
        return FAILED;
      }
      if (segment >= current.length) {
        sink.error(
          'unknown-reference',
          `Index ${segment} is out of range in "\${${reference.text}}": "${here}" has ${current.length} item${current.length === 1 ? '' : 's'} (indexes start at 0).`,
          span,
        );
        return FAILED;
      }
      current = current[segment];
    } else {
      if (Array.isArray(current) && /^\d+$/.test(segment)) {
        current = current[Number(segment)];
      } else if (typeof current !== 'object' || current === null || Array.isArray(current)) {
        sink.error(
          'unknown-reference',
          `"${here}" is ${describeValue(current)}, so "\${${reference.text}}" cannot look up "${segment}" in it.`,
          span,
        );
        return FAILED;
      } else if (!Object.hasOwn(current, segment)) {
        const keys = Object.keys(current);
        const wanted = formatPath([...walked, segment]);
        const suggestion = didYouMean(segment, keys);
        sink.error(
          'unknown-reference',
          `Unknown key "${wanted}" in "\${${reference.text}}".${suggestion.replace(/"([^"]*)"\?$/, `"${here}.$1"?`)} Keys under "${here}": ${keys.join(', ') || '(none)'}.`,
          span,
        );
        return FAILED;
      } else {
        current = (current as Record<string, unknown>)[segment];
      }
    }
    walked.push(segment);
  }
  if (!isLocal) {
    const key = trackedKey(reference.segments);
    const keySegments = key.split('.');
    for (const source of context.sources) {
      if (source.file !== undefined && hasPath(source.data, keySegments)) {
        sink.use({file: source.file, key});
        break;
      }
    }
  }
  return current;
}

interface Piece {
  readonly literal: string;
  readonly expression?: string;
  /** Index of the `$` of this piece's `${` in the text, and the length up to its `}`. */
  readonly start?: number;
  readonly length?: number;
}

/** Splits a string into literal text and `${...}` expressions; `\${` stays literal. */
function split(text: string): Piece[] | 'unclosed' {
  const pieces: Piece[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('\\${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end < 0) return 'unclosed';
      pieces.push({literal, expression: text.slice(i + 2, end), start: i, length: end + 1 - i});
      literal = '';
      i = end + 1;
    } else {
      literal += text[i];
      i++;
    }
  }
  pieces.push({literal});
  return pieces;
}

/**
 * The span of one `${...}` inside a scalar, when the source text is the value itself (plain, or
 * quoted without escapes); otherwise the whole scalar.
 */
function subSpan(text: string, span: Span, piece: Piece): Span {
  if (piece.start === undefined || piece.length === undefined || text.includes('\\')) return span;
  const quote = span.length === text.length + 2 ? 1 : span.length === text.length ? 0 : -1;
  if (quote < 0) return span;
  return {offset: span.offset + quote + piece.start, length: piece.length};
}

/**
 * Interpolates one string. A string that is exactly one `${ref}` becomes the referenced value with
 * its type (a number stays a number, a mapping stays a mapping); otherwise each reference must be
 * a string, number or boolean, as in DVC.
 */
export function interpolateString(
  text: string,
  context: InterpolationContext,
  sink: InterpolationSink,
  span: Span,
): unknown {
  if (!text.includes('${')) return text;
  const pieces = split(text);
  if (pieces === 'unclosed') {
    sink.error(
      'invalid-interpolation',
      `Unclosed "\${" in ${JSON.stringify(text)}. Close it with "}", or write "\\\${" for a literal "\${".`,
      span,
    );
    return FAILED;
  }
  const references: Reference[] = [];
  for (const piece of pieces) {
    if (piece.expression === undefined) continue;
    const reference = parseReference(piece.expression);
    if (!reference) {
      sink.error(
        'invalid-interpolation',
        `"\${${piece.expression}}" is not a valid reference. Use a dotted key with optional list indexes, e.g. "\${train.k}" or "\${models[0].name}".`,
        subSpan(text, span, piece),
      );
      return FAILED;
    }
    references.push(reference);
  }
  const whole =
    pieces.length === 2 && pieces[0]!.literal === '' && pieces[1]!.literal === '' && references[0];
  if (whole) return resolve(whole, context, sink, subSpan(text, span, pieces[0]!));
  let out = '';
  let index = 0;
  let failed = false;
  for (const piece of pieces) {
    out += piece.literal;
    if (piece.expression === undefined) continue;
    const reference = references[index++]!;
    const here = subSpan(text, span, piece);
    const value = resolve(reference, context, sink, here);
    if (value === FAILED) {
      failed = true;
      continue;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out += String(value);
    } else {
      const example = Array.isArray(value) ? `${reference.text}[0]` : `${reference.text}.KEY`;
      sink.error(
        'interpolated-collection',
        `"\${${reference.text}}" is ${describeValue(value)} and cannot be embedded in a string. Reference a single value (e.g. "\${${example}}"), or use "\${${reference.text}}" alone as the whole value.`,
        here,
      );
      failed = true;
    }
  }
  return failed ? FAILED : out;
}

/** Interpolates every string value of a located node (keys are left alone). */
export function interpolateNode(
  node: LNode,
  context: InterpolationContext,
  sink: InterpolationSink,
): unknown {
  switch (node.kind) {
    case 'scalar':
      return typeof node.value === 'string'
        ? interpolateString(node.value, context, sink, node.span)
        : node.value;
    case 'seq': {
      const items = node.items.map((item) => interpolateNode(item, context, sink));
      return items.includes(FAILED) ? FAILED : items;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      let failed = false;
      for (const entry of node.entries) {
        const value = interpolateNode(entry.value, context, sink);
        if (value === FAILED) failed = true;
        out[entry.key] = value;
      }
      return failed ? FAILED : out;
    }
  }
}

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Node as YamlNode,
} from 'yaml';

/** A span of source text: UTF-16 offset and length, as the `yaml` package reports them. */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

/**
 * A YAML value with the place it came from. The analyzer works on these instead of plain JS so
 * that every later error (a bad `${}`, a missing dep, a plugin param) can point into the file.
 */
export type LNode = LMap | LSeq | LScalar;

export interface LMap {
  readonly kind: 'map';
  readonly span: Span;
  readonly entries: readonly LEntry[];
  /** Last entry wins for duplicate keys, which are reported separately. */
  readonly byKey: ReadonlyMap<string, LEntry>;
}

export interface LEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: LNode;
}

export interface LSeq {
  readonly kind: 'seq';
  readonly span: Span;
  readonly items: readonly LNode[];
}

export type ScalarValue = string | number | boolean | null;

export interface LScalar {
  readonly kind: 'scalar';
  readonly span: Span;
  readonly value: ScalarValue;
}

/** More values than any real pipeline has, far fewer than a malicious alias expansion. */
const MAX_NODES = 500_000;

function spanOf(node: YamlNode | null | undefined, fallback: Span): Span {
  const range = node?.range;
  if (!range) return fallback;
  return {offset: range[0], length: Math.max(0, range[1] - range[0])};
}

/**
 * Converts a parsed YAML document to located nodes, resolving aliases and `<<` merge keys.
 * Duplicate keys are found here with a map per mapping (the parser's own check compares every
 * key with every earlier one, which is quadratic in the number of stages).
 */
export function toLocated(
  doc: Document,
  node: unknown,
  fallback: Span,
  onDuplicateKey: (key: string, keySpan: Span) => void = () => undefined,
  onTooLarge: (span: Span) => void = () => undefined,
): LNode {
  const seen = new Set<unknown>();
  // Nested aliases can expand exponentially ("billion laughs"); stop long before that hurts.
  let budget = MAX_NODES;
  // The outermost alias being expanded: where to point when the budget runs out.
  let expanding: Span | undefined;
  const convert = (n: unknown, at: Span): LNode => {
    if (--budget < 0) {
      if (budget === -1) onTooLarge(expanding ?? at);
      return {kind: 'scalar', span: at, value: null};
    }
    if (isAlias(n)) {
      const outermost = expanding === undefined;
      if (outermost) expanding = spanOf(n, at);
      try {
        return expandAlias(n, at);
      } finally {
        if (outermost) expanding = undefined;
      }
    }
    return convertNode(n, at);
  };
  const expandAlias = (n: Alias, at: Span): LNode => {
    const target = n.resolve(doc);
    // An alias points at its anchor, but errors belong where the alias is used.
    if (!target || seen.has(target)) return {kind: 'scalar', span: spanOf(n, at), value: null};
    seen.add(target);
    const resolved = convert(target, spanOf(n, at));
    seen.delete(target);
    return {...resolved, span: spanOf(n, at)};
  };
  const convertNode = (n: unknown, at: Span): LNode => {
    if (isMap(n)) {
      const span = spanOf(n, at);
      const entries: LEntry[] = [];
      const byKey = new Map<string, LEntry>();
      const explicit = new Set<string>();
      const add = (entry: LEntry, override: boolean): void => {
        if (!override && byKey.has(entry.key)) return;
        if (byKey.has(entry.key)) {
          const index = entries.findIndex((e) => e.key === entry.key);
          entries.splice(index, 1);
        }
        entries.push(entry);
        byKey.set(entry.key, entry);
      };
      for (const pair of n.items) {
        const keyNode = pair.key as YamlNode | null;
        const keySpan = spanOf(keyNode, span);
        const value = convert(pair.value, {offset: keySpan.offset + keySpan.length, length: 0});
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          // `<<: *anchor` (or a list of anchors): earlier keys of this map win over merged ones.
          const sources = value.kind === 'seq' ? value.items : [value];
          for (const source of sources) {
            if (source.kind !== 'map') continue;
            for (const entry of source.entries) add(entry, false);
          }
          continue;
        }
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode ?? '');
        if (explicit.has(key)) onDuplicateKey(key, keySpan);
        explicit.add(key);
        add({key, keySpan, value}, true);
      }
      return {kind: 'map', span, entries, byKey};
    }
    if (isSeq(n)) {
      const span = spanOf(n, at);
      return {kind: 'seq', span, items: n.items.map((item) => convert(item, span))};
    }
    if (isScalar(n)) {
      const v = n.value;
      const value: ScalarValue =
        v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
          ? v
          : String(v);
      return {kind: 'scalar', span: spanOf(n, at), value};
    }
    return {kind: 'scalar', span: at, value: null};
  };
  return convert(node, fallback);
}

/** The plain JS value of a located node (what ajv and `${}` see). */
export function toPlain(node: LNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) out[entry.key] = toPlain(entry.value);
      return out;
    }
  }
}

/** A short description of a node's type for messages: "a string", "a list", ... */
export function describeNode(node: LNode): string {
  return node.kind === 'map'
    ? 'a mapping'
    : node.kind === 'seq'
      ? 'a list'
      : describeValue(node.value);
}

/** A short description of a plain value's type for messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value)})`;
    case 'number':
      return Number.isInteger(value) ? `an integer (${value})` : `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/**
 * The node at a JSON pointer (as ajv reports `instancePath`), or the deepest node on the way
 * when the pointer goes further than the source (e.g. into a value produced by `${}`).
 */
export function nodeAtPointer(root: LNode, pointer: string): {node: LNode; exact: boolean} {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
  let node = root;
  for (const part of parts) {
    let next: LNode | undefined;
    if (node.kind === 'map') next = node.byKey.get(part)?.value;
    else if (node.kind === 'seq') next = node.items[Number(part)];
    if (!next) return {node, exact: false};
    node = next;
  }
  return {node, exact: true};
}

function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** JSON Schema type name(s) in words: `['string', 'array']` -> "a string or a list". */
export function describeType(type: unknown): string {
  const names: Record<string, string> = {
    string: 'a string',
    array: 'a list',
    object: 'a mapping',
    boolean: 'true or false',
    integer: 'a whole number',
    number: 'a number',
    null: 'empty',
  };
  const list = (Array.isArray(type) ? type : String(type).split(',')).map(
    (t) => names[String(t)] ?? String(t),
  );
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0]!;
}

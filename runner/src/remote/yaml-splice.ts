import {isMap, isScalar, type Document, type Node, type Pair} from 'yaml';

/**
 * Small text edits of a YAML mapping document that touch only the bytes they change, so comments,
 * spacing, quoting and flow style elsewhere stay exactly as written (re-printing the whole
 * document through the `yaml` package keeps comments but normalises spacing). Each function
 * returns the new text, or `undefined` when the shape is unusual; callers then fall back to a
 * Document round trip and check the result by parsing it.
 */

// `:` is plain inside a scalar when no space follows it (gs://bucket), never at the end.
const PLAIN = /^[A-Za-z0-9_./~@+-](?:[A-Za-z0-9_./~@+=:-]*[A-Za-z0-9_./~@+=-])?$/;

/** A scalar as YAML text, safe in block and flow context. */
export function yamlScalar(value: string): string {
  return PLAIN.test(value) && !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

function topPair(doc: Document, key: string): Pair<Node, Node> | undefined {
  if (!isMap(doc.contents)) return undefined;
  return doc.contents.items.find((item) => isScalar(item.key) && item.key.value === key) as
    Pair<Node, Node> | undefined;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndAfter(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end + 1;
}

/** Inserts `lines` (each ending in \n) before the top-level key `before`, or at the end. */
function insertTopLevel(text: string, doc: Document, lines: string, before: string): string {
  const anchor = topPair(doc, before)?.key?.range?.[0];
  if (anchor === undefined)
    return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${lines}`;
  const at = lineStart(text, anchor);
  return text.slice(0, at) + lines + text.slice(at);
}

/** Adds or replaces `remotes.NAME.url`. */
export function spliceRemote(
  text: string,
  doc: Document,
  name: string,
  url: string,
): string | undefined {
  const pair = topPair(doc, 'remotes');
  const entry = `{ url: ${yamlScalar(url)} }`;
  if (!pair)
    return insertTopLevel(
      text,
      doc,
      `remotes:\n  ${yamlScalar(name)}:\n    url: ${yamlScalar(url)}\n`,
      'stages',
    );
  const map = pair.value;
  if (!isMap(map) || !map.range) return undefined;
  const existing = map.items.find((item) => isScalar(item.key) && String(item.key.value) === name);
  if (existing) {
    const value = existing.value as Node | null;
    if (!isMap(value) || !value.range) return undefined;
    const urlPair = value.items.find((item) => isScalar(item.key) && item.key.value === 'url');
    const urlNode = urlPair?.value as Node | undefined;
    if (!urlNode?.range) return undefined;
    return text.slice(0, urlNode.range[0]) + yamlScalar(url) + text.slice(urlNode.range[1]);
  }
  if (map.flow) {
    const close = text.lastIndexOf('}', map.range[1]);
    if (close === -1) return undefined;
    const before = text.slice(0, close).trimEnd();
    const separator = map.items.length > 0 ? ', ' : ' ';
    return `${before}${separator}${yamlScalar(name)}: ${entry} ${text.slice(close)}`;
  }
  const firstKey = map.items[0]?.key as Node | undefined;
  if (!firstKey?.range) return undefined;
  const indent = ' '.repeat(firstKey.range[0] - lineStart(text, firstKey.range[0]));
  const last = map.items.at(-1);
  const lastEnd = (last?.value as Node | null)?.range?.[1] ?? (last?.key as Node).range?.[1];
  if (lastEnd === undefined) return undefined;
  const at = lineEndAfter(text, lastEnd - 1);
  return `${text.slice(0, at)}${indent}${yamlScalar(name)}:\n${indent}  url: ${yamlScalar(url)}\n${text.slice(at)}`;
}

/** Sets `default_remote: NAME`, after `remotes:` when it is new. */
export function spliceDefault(text: string, doc: Document, name: string): string | undefined {
  const pair = topPair(doc, 'default_remote');
  if (pair) {
    const value = pair.value;
    if (!value?.range) return undefined;
    return text.slice(0, value.range[0]) + yamlScalar(name) + text.slice(value.range[1]);
  }
  const remotes = topPair(doc, 'remotes');
  const end = remotes?.value?.range?.[1];
  if (end === undefined)
    return insertTopLevel(text, doc, `default_remote: ${yamlScalar(name)}\n`, 'stages');
  const at = lineEndAfter(text, end - 1);
  const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return `${text.slice(0, at)}${prefix}default_remote: ${yamlScalar(name)}\n${text.slice(at)}`;
}

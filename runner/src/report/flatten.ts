/**
 * Flattens nested objects to dotted keys (`train.k`). Arrays become `sizes.0`, `sizes.1` when
 * `arrays` is 'index' (metrics, so each element can be diffed) or stay whole values when 'keep'
 * (params, where `kRange: [2, 10]` reads better as one value, as DVC shows it).
 */
export function flatten(
  value: unknown,
  arrays: 'index' | 'keep',
  prefix = '',
  into = new Map<string, unknown>(),
): Map<string, unknown> {
  const isArray = Array.isArray(value);
  const nested =
    (typeof value === 'object' && value !== null && !isArray) || (isArray && arrays === 'index');
  if (!nested) {
    if (prefix !== '') into.set(prefix, value);
    return into;
  }
  const entries = isArray
    ? (value as unknown[]).map((item, index) => [String(index), item] as const)
    : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 && prefix !== '') into.set(prefix, value);
  for (const [key, item] of entries) {
    flatten(item, arrays, prefix === '' ? key : `${prefix}.${key}`, into);
  }
  return into;
}

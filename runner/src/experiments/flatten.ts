/**
 * Numbers (and strings, booleans) of a nested JSON value as dotted keys; arrays are kept whole
 * as one value, so `sizes: [10, 20]` stays one column.
 */
export function flatten(
  value: unknown,
  prefix = '',
  into: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value))
      flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    into[prefix] = value;
  }
  return into;
}

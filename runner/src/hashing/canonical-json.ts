/**
 * JSON with object keys sorted (by UTF-16 code units, as Array.prototype.sort does), no
 * whitespace, and numbers as ECMAScript prints them (shortest round-trip form, so the same double
 * always gives the same text on every machine). Used for fingerprints and manifests, where equal
 * values must give equal bytes.
 *
 * Throws on values JSON cannot represent faithfully (undefined inside arrays, NaN, Infinity,
 * bigint, functions, symbols, cycles): silently turning them into `null` would make two different
 * inputs hash the same. `undefined` object properties are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set(), '$');
}

function write(value: unknown, ancestors: Set<object>, where: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: ${where} is ${value}, which JSON cannot represent`);
      }
      // -0 and 0 are the same JSON number.
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (ancestors.has(value)) throw new TypeError(`canonicalJson: ${where} is a cycle`);
      ancestors.add(value);
      try {
        if (Array.isArray(value)) {
          const items = value.map((item: unknown, i) => {
            if (item === undefined) {
              throw new TypeError(`canonicalJson: ${where}[${i}] is undefined`);
            }
            return write(item, ancestors, `${where}[${i}]`);
          });
          return `[${items.join(',')}]`;
        }
        if (value instanceof Date) return JSON.stringify(value.toISOString());
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          // A Map or a class instance would silently serialise as `{}`.
          throw new TypeError(`canonicalJson: ${where} is not a plain object`);
        }
        const record = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const key of Object.keys(record).sort()) {
          const item = record[key];
          if (item === undefined) continue;
          parts.push(`${JSON.stringify(key)}:${write(item, ancestors, `${where}.${key}`)}`);
        }
        return `{${parts.join(',')}}`;
      } finally {
        ancestors.delete(value);
      }
    }
    default:
      throw new TypeError(
        `canonicalJson: ${where} is a ${typeof value}, which JSON cannot represent`,
      );
  }
}

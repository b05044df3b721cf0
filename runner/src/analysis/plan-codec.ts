import type {PipelinePlan} from './plan.js';

/**
 * A PipelinePlan as plain JSON, for the plan cache. Maps, `undefined` values and non-finite
 * numbers (YAML's `.inf`, `.nan`) have no JSON form, so they are written as tagged objects
 * (`{"$": "m" | "u" | "n" | "o", ...}`; "o" escapes a user object that has a "$" key).
 */
export type EncodedPlan = unknown;

/** Thrown for a value with no JSON form (e.g. a bigint); such a plan is simply not cached. */
export class NotEncodable extends Error {}

export function encodePlan(plan: PipelinePlan): EncodedPlan {
  return encode(plan);
}

/** The plan, frozen like a fresh analysis' plan. Throws on input that encodePlan never makes. */
export function decodePlan(encoded: EncodedPlan): PipelinePlan {
  const plan = decode(encoded) as PipelinePlan;
  if (
    typeof plan !== 'object' ||
    plan === null ||
    !(plan.stages instanceof Map) ||
    !Array.isArray(plan.order)
  ) {
    throw new Error('not a plan');
  }
  return plan;
}

function encode(value: unknown): unknown {
  if (value === undefined) return {$: 'u'};
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    return Number.isFinite(value) && !Object.is(value, -0)
      ? value
      : {$: 'n', v: Object.is(value, -0) ? '-0' : String(value)};
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value instanceof Map) {
    return {$: 'm', v: [...value].map(([k, v]: [unknown, unknown]) => [encode(k), encode(v)])};
  }
  if (typeof value === 'object' && isPlain(value)) {
    // fromEntries defines keys, so a user key named "__proto__" stays a plain key.
    const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
    return Object.hasOwn(value, '$') ? {$: 'o', v: out} : out;
  }
  throw new NotEncodable(`a ${typeof value} has no JSON form`);
}

function decode(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(decode));
  const object = value as Record<string, unknown>;
  switch (object['$']) {
    case undefined:
      return decodeObject(object);
    case 'u':
      return undefined;
    case 'n':
      return Number(object['v']);
    case 'm': {
      const entries = object['v'] as [unknown, unknown][];
      return new Map(entries.map(([k, v]) => [decode(k), decode(v)]));
    }
    case 'o':
      return decodeObject(object['v'] as Record<string, unknown>);
    default:
      throw new Error(`unknown tag ${String(object['$'])}`);
  }
}

// The hot loop of a cached run (about 30,000 objects for 1,000 stages): no intermediate arrays.
function decodeObject(object: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = {};
  for (const key in object) {
    const value = decode(object[key]);
    // Assigning "__proto__" would set the prototype; define it as the plain key it was.
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = value;
  }
  return Object.freeze(out);
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

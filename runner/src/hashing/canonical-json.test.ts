import {describe, expect, it} from 'vitest';
import {canonicalJson} from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({b: 1, a: {d: [3, {z: 1, y: 2}], c: 'x'}})).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same text whatever the insertion order', () => {
    const one: Record<string, unknown> = {};
    one['x'] = 1;
    one['y'] = [true, null];
    const two: Record<string, unknown> = {};
    two['y'] = [true, null];
    two['x'] = 1;
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('prints numbers in their shortest round-trip form', () => {
    expect(canonicalJson([1.0, 0.1 + 0.2, -0, 1e21, 5e-7])).toBe(
      '[1,0.30000000000000004,0,1e+21,5e-7]',
    );
  });

  it('drops undefined properties, as JSON does', () => {
    expect(canonicalJson({a: undefined, b: 2})).toBe('{"b":2}');
  });

  it.each([
    ['NaN', {a: Number.NaN}, '$.a is NaN'],
    ['Infinity', [Infinity], '$[0] is Infinity'],
    ['undefined in an array', [1, undefined], '$[1] is undefined'],
    ['a bigint', {n: 1n}, '$.n is a bigint'],
    ['a Map', {m: new Map()}, '$.m is not a plain object'],
  ])('refuses %s instead of hashing it as null', (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('refuses cycles', () => {
    const value: Record<string, unknown> = {};
    value['self'] = value;
    expect(() => canonicalJson(value)).toThrow('$.self is a cycle');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = {k: 1};
    expect(canonicalJson({a: shared, b: shared})).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});

import {describe, expect, test} from 'vitest';
import {decodePlan, encodePlan, NotEncodable} from './plan-codec.js';
import type {PipelinePlan} from './plan.js';

function roundTrip(plan: unknown): PipelinePlan {
  return decodePlan(JSON.parse(JSON.stringify(encodePlan(plan as PipelinePlan))));
}

const base = {root: '/p', file: '/p/pipeline.yaml', order: ['a'], defaultRemote: undefined};

describe('plan codec', () => {
  test('values without a JSON form survive a round trip', () => {
    const tricky = Object.fromEntries([
      ['inf', Infinity],
      ['negInf', -Infinity],
      ['nan', NaN],
      ['negZero', -0],
      ['missing', undefined],
      ['list', [1, undefined, null, 'x']],
      ['$', 'a user key named $'],
      ['__proto__', {polluted: true}],
    ]);
    const plan = {
      ...base,
      stages: new Map([['a', {name: 'a', with: tricky}]]),
      remotes: new Map([['r', {name: 'r', url: 'gs://b'}]]),
    };
    const decoded = roundTrip(plan);
    expect(decoded).toStrictEqual(plan);
    const decodedWith = (decoded.stages.get('a') as unknown as {with: Record<string, unknown>})
      .with;
    expect(Object.is(decodedWith['negZero'], -0)).toBe(true);
    expect(Object.hasOwn(decodedWith, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(decodedWith)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.isFrozen(decodedWith['list'])).toBe(true);
  });

  test('a value with no JSON form at all is refused', () => {
    const plan = {...base, stages: new Map([['a', {n: 1n}]]), remotes: new Map()};
    expect(() => encodePlan(plan as unknown as PipelinePlan)).toThrow(NotEncodable);
  });

  test('an unknown tag or a non-plan is rejected', () => {
    expect(() => decodePlan({$: 'x'})).toThrow();
    expect(() => decodePlan({order: []})).toThrow();
  });
});

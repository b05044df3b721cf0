import {describe, expect, test} from 'vitest';
import type {Span} from '../config/located.js';
import type {Reason} from '../diagnostics/reasons.js';
import {
  FAILED,
  interpolateString,
  type InterpolationContext,
  type TrackedUse,
} from './interpolate.js';

const span: Span = {offset: 100, length: 0};

function run(text: string, context: Partial<InterpolationContext> = {}) {
  const errors: {reason: Reason; message: string; span: Span}[] = [];
  const uses: TrackedUse[] = [];
  const data = context.data ?? {
    train: {k: 3, rate: 0.5, ok: true, layers: [8, 16], nested: {deep: 'x'}},
    name: 'retail',
    models: [{name: 'kmeans'}, {name: 'gmm'}],
  };
  const full: InterpolationContext = {
    data,
    sources: context.sources ?? [{file: 'params.yaml', data}],
    locals: context.locals ?? {},
  };
  const value = interpolateString(
    text,
    full,
    {
      error: (reason, message, s) => errors.push({reason, message, span: s}),
      use: (u) => uses.push(u),
    },
    span,
  );
  return {value, errors, uses};
}

describe('${} interpolation', () => {
  test('a whole-value reference keeps its type', () => {
    expect(run('${train.k}').value).toBe(3);
    expect(run('${train.ok}').value).toBe(true);
    expect(run('${train.layers}').value).toEqual([8, 16]);
    expect(run('${ train.nested }').value).toEqual({deep: 'x'});
  });

  test('embedded references become text', () => {
    expect(run('python train.py --k ${train.k} --rate ${train.rate}').value).toBe(
      'python train.py --k 3 --rate 0.5',
    );
    expect(run('${name}-${train.ok}').value).toBe('retail-true');
  });

  test('list indexes with [n] and .n', () => {
    expect(run('${train.layers[1]}').value).toBe(16);
    expect(run('${models[0].name}').value).toBe('kmeans');
    expect(run('${models.1.name}').value).toBe('gmm');
  });

  test('\\${ stays literal', () => {
    expect(run('echo \\${HOME}').value).toBe('echo ${HOME}');
  });

  test('text without ${ is returned as is', () => {
    expect(run('plain').value).toBe('plain');
  });

  test('locals shadow params and are not tracked', () => {
    const r = run('${item}/${name}', {locals: {item: 'us', name: 'local'}});
    expect(r.value).toBe('us/local');
    expect(r.uses).toEqual([]);
  });

  test('tracks the params key used, up to the first list index', () => {
    expect(run('${train.k}').uses).toEqual([{file: 'params.yaml', key: 'train.k'}]);
    expect(run('${train.layers[0]}').uses).toEqual([{file: 'params.yaml', key: 'train.layers'}]);
    expect(run('a ${name} b ${train.rate}').uses).toEqual([
      {file: 'params.yaml', key: 'name'},
      {file: 'params.yaml', key: 'train.rate'},
    ]);
  });

  test('values from inline vars are not tracked', () => {
    const data = {x: 1};
    expect(run('${x}', {data, sources: [{file: undefined, data}]}).uses).toEqual([]);
  });

  test('an unknown key names what is missing and suggests a close one', () => {
    const r = run('--k ${train.kk}');
    expect(r.value).toBe(FAILED);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.reason).toBe('unknown-reference');
    expect(r.errors[0]!.message).toContain('Unknown key "train.kk"');
    expect(r.errors[0]!.message).toContain('Did you mean "train.k"?');
  });

  test('an unknown top-level name suggests a close one', () => {
    const r = run('${trian.k}');
    expect(r.errors[0]!.message).toContain('Unknown name "trian"');
    expect(r.errors[0]!.message).toContain('Did you mean "train"?');
  });

  test('an index out of range says how many items there are', () => {
    expect(run('${train.layers[5]}').errors[0]!.message).toContain('has 2 items');
  });

  test('embedding a mapping or list in a string is an error', () => {
    const r = run('cfg=${train.nested}');
    expect(r.value).toBe(FAILED);
    expect(r.errors[0]!.reason).toBe('interpolated-collection');
    expect(run('x ${train.layers}').errors[0]!.reason).toBe('interpolated-collection');
  });

  test('bad syntax is reported', () => {
    expect(run('${train.k').errors[0]!.reason).toBe('invalid-interpolation');
    expect(run('${train k}').errors[0]!.reason).toBe('invalid-interpolation');
    expect(run('${}').errors[0]!.reason).toBe('invalid-interpolation');
  });
});

import {describe, expect, test} from 'vitest';
import {closest, didYouMean} from './suggest.js';

describe('suggestions', () => {
  test('finds typos: a wrong, missing, extra or swapped letter', () => {
    expect(closest('rfmm', ['clean', 'rfm', 'train'])).toBe('rfm');
    expect(closest('dep', ['deps', 'outs'])).toBe('deps');
    expect(closest('trian', ['train', 'rfm'])).toBe('train');
    expect(closest('tiemout', ['timeout', 'retries'])).toBe('timeout');
  });

  test('ignores case and suggests nothing for unrelated words', () => {
    expect(closest('CMD', ['cmd'])).toBe('cmd');
    expect(closest('banana', ['cmd', 'deps', 'outs'])).toBeUndefined();
  });

  test('ties resolve alphabetically', () => {
    expect(closest('ab', ['ac', 'aa'])).toBe('aa');
  });

  test('didYouMean formats the hint or nothing', () => {
    expect(didYouMean('outz', ['outs'])).toBe(' Did you mean "outs"?');
    expect(didYouMean('zzz', ['outs'])).toBe('');
  });
});

import {describe, expect, it} from 'vitest';
import {sklearnFixture} from '../../test/ml/test-support.js';
import {histogram} from './histogram.js';

interface MiscFixture {
  values: number[];
  histogram: {counts: number[]; edges: number[]};
  histogram_constant: {counts: number[]; edges: number[]};
}

describe('histogram (numpy.histogram, 10 bins)', () => {
  const misc = sklearnFixture<MiscFixture>('misc.json');

  it('agrees with numpy on edges and counts', () => {
    const h = histogram(Float64Array.from(misc.values), 10);
    expect(h.edges).toEqual(misc.histogram.edges);
    expect(h.counts).toEqual(misc.histogram.counts);
  });

  it('widens a constant column by 0.5 each side, like numpy', () => {
    const h = histogram(Float64Array.from([3, 3, 3, 3, 3]), 10);
    expect(h.edges).toEqual(misc.histogram_constant.edges);
    expect(h.counts).toEqual(misc.histogram_constant.counts);
  });

  it('puts the maximum in the last bin and edge values in the upper bin', () => {
    const h = histogram(Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 10);
    expect(h.edges).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(h.counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
  });
});

// Tests of causalMask: its values with and without cached positions, reuse, and argument checks.
import { describe, expect, it } from 'vitest';
import { causalMask } from './causal-mask.js';

describe('causalMask', () => {
  it('masks the strict upper triangle when nothing is cached', () => {
    expect(causalMask(3, 3).shape).toEqual([3, 3]);
    expect(causalMask(3, 3).toArray()).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
  });

  it('shifts by the cached positions: query i sits at position Tk - T + i', () => {
    expect(causalMask(2, 4).toArray()).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
    expect(causalMask(1, 5).toArray()).toEqual([0, 0, 0, 0, 0]);
  });

  it('returns the same tensor again for the same shape, and never records gradient', () => {
    const a = causalMask(4, 4);
    expect(causalMask(4, 4)).toBe(a);
    expect(a.requiresGrad).toBe(false);
    expect(causalMask(4, 5)).not.toBe(a);
  });

  it('rejects T > Tk and non-positive sizes', () => {
    expect(() => causalMask(3, 2)).toThrow('causalMask: need integers 1 ≤ T ≤ Tk, got T=3, Tk=2');
    expect(() => causalMask(0, 2)).toThrow(RangeError);
  });
});

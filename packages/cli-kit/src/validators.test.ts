// Tests the ready-made numeric validators.
import { describe, expect, it } from 'vitest';
import {
  inRange,
  isInteger,
  isNonNegative,
  isNonNegativeInteger,
  isPositive,
  isPositiveInteger,
} from './validators.js';

describe('validators', () => {
  it('accept what they name and describe what they expected otherwise', () => {
    expect([isInteger(-3), isInteger(2.5)]).toEqual([undefined, 'an integer']);
    expect([isPositiveInteger(1), isPositiveInteger(0), isPositiveInteger(1.5)]).toEqual([
      undefined,
      'a positive integer',
      'a positive integer',
    ]);
    expect([isNonNegativeInteger(0), isNonNegativeInteger(-1)]).toEqual([undefined, 'an integer ≥ 0']);
    expect([isPositive(1e-9), isPositive(0)]).toEqual([undefined, 'a number > 0']);
    expect([isNonNegative(0), isNonNegative(-0.1)]).toEqual([undefined, 'a number ≥ 0']);
  });

  it('refuse counts beyond 2^53 - 1, where whole numbers stop being exact', () => {
    expect(isPositiveInteger(Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(isNonNegativeInteger(1e20)).toBe('an integer ≥ 0 no larger than 9007199254740991');
    expect(isPositiveInteger(2 ** 53)).toBe('a positive integer no larger than 9007199254740991');
  });

  it('inRange includes its ends unless maxExclusive', () => {
    const closed = inRange(0, 1);
    const open = inRange(0, 1, { maxExclusive: true });
    expect([closed(0), closed(1), closed(1.01)]).toEqual([undefined, undefined, 'a number in [0, 1]']);
    expect([open(0.999), open(1), open(-0.1)]).toEqual([undefined, 'a number in [0, 1)', 'a number in [0, 1)']);
  });
});

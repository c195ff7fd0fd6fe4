// Tests of reshape: values unchanged, storage shared, -1 inferred, gradient reshaped back.

import { describe, expect, it } from 'vitest';
import { reshape } from './reshape.js';
import { input, testOp } from '../testing/index.js';

describe('reshape', () => {
  for (const [from, to] of [
    [
      [2, 3, 4],
      [6, 4],
    ],
    [[2, 3, 4], [-1]],
    [[6], [2, -1, 1]],
    [[1], []],
  ] as const) {
    it(`${JSON.stringify(from)} → ${JSON.stringify(to)}`, () => {
      testOp({
        op: 'reshape',
        inputs: [input(from, { seed: 18 })],
        forward: (x) => reshape(x, to),
        reference: (x) => x.data,
      });
    });
  }

  it('shares storage (no copy)', () => {
    const x = input([2, 3]);
    expect(reshape(x, [3, 2]).data).toBe(x.data);
  });

  it('rejects sizes that do not match', () => {
    expect(() => reshape(input([2, 3]), [4, 2])).toThrow(/6 elements cannot have shape \[4, 2\]/);
    expect(() => reshape(input([2, 3]), [-1, -1])).toThrow(/only one size may be -1/);
    expect(() => reshape(input([2, 3]), [4, -1])).toThrow(/cannot infer/);
  });
});

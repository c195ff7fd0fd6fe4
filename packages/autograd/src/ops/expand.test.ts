// Tests of expand: broadcasting to larger shapes against a naive index map, gradient summed over repeats.

import { describe, expect, it } from 'vitest';
import { expand } from './expand.js';
import { input, testOp } from '../testing/index.js';
import { elementwise } from '../testing/naive.js';

describe('expand', () => {
  for (const [from, to] of [
    [
      [3, 1],
      [3, 4],
    ],
    [[4], [2, 3, 4]],
    [
      [1, 3, 1],
      [2, 3, 5],
    ],
    [[], [2, 2]],
    [
      [2, 1],
      [-1, 3],
    ],
  ] as const) {
    it(`${JSON.stringify(from)} → ${JSON.stringify(to)}`, () => {
      const target: number[] = to.map((d, i) => (d === -1 ? from[i - (to.length - from.length)]! : d));
      testOp({
        op: 'expand',
        inputs: [input(from, { seed: 23 })],
        forward: (x) => expand(x, to),
        reference: (x) =>
          elementwise(
            [x, { data: new Float64Array(target.reduce((a: number, b: number) => a * b, 1)), shape: target }],
            (v) => v,
          ),
        shape: target,
      });
    });
  }

  it('rejects an incompatible shape', () => {
    expect(() => expand(input([3]), [4])).toThrow(/cannot expand \[3\] to \[4\]/);
    expect(() => expand(input([2, 3]), [3])).toThrow(/fewer axes/);
  });
});

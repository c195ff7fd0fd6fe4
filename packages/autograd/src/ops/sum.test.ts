// Tests of sum over axes: every axis combination with and without keepdim, against a naive loop.

import { describe, expect, it } from 'vitest';
import { sum } from './sum.js';
import { input, testOp } from '../testing/index.js';
import { reduce } from '../testing/naive.js';

const shape = [2, 3, 4];
const cases: [number | number[] | undefined, number[]][] = [
  [undefined, [0, 1, 2]],
  [0, [0]],
  [1, [1]],
  [-1, [2]],
  [
    [0, 2],
    [0, 2],
  ],
  [
    [1, 2],
    [1, 2],
  ],
];

describe('sum', () => {
  for (const [axis, axes] of cases) {
    for (const keepdim of [false, true]) {
      it(`axis ${JSON.stringify(axis)} keepdim ${keepdim}`, () => {
        testOp({
          op: 'sum',
          inputs: [input(shape, { seed: 10 })],
          forward: (x) => sum(x, axis, keepdim),
          reference: (x) => reduce(x, axes, 0, (a, v) => a + v),
          shape: shape.map((s, d) => (axes.includes(d) ? 1 : s)).filter((_, d) => keepdim || !axes.includes(d)),
        });
      });
    }
  }

  it('rejects an out-of-range or repeated axis', () => {
    expect(() => sum(input([2, 3]), 2)).toThrow(/axis 2 is out of range/);
    expect(() => sum(input([2, 3]), [1, -1])).toThrow(/repeated axis/);
  });
});

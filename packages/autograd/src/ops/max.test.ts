// Tests of max over axes: value against a naive loop, gradient routed to the maximum (distinct values).

import { describe, expect, it } from 'vitest';
import { max } from './max.js';
import { fromArray } from '../creation.js';
import { input, testOp } from '../testing/index.js';
import { reduce } from '../testing/naive.js';

/** A permutation of well-separated values, so no finite-difference step changes which element is largest. */
function distinct(shape: number[], seed: number) {
  const x = input(shape, { seed });
  const order = Array.from(x.data.keys()).sort((i, j) => x.data[i]! - x.data[j]!);
  order.forEach((i, rank) => (x.data[i] = rank * 0.25 - 2));
  return x;
}

describe('max', () => {
  const cases: [number | number[] | undefined, number[]][] = [
    [undefined, [0, 1, 2]],
    [-1, [2]],
    [0, [0]],
    [
      [0, 2],
      [0, 2],
    ],
  ];
  for (const [axis, axes] of cases) {
    for (const keepdim of [false, true]) {
      it(`axis ${JSON.stringify(axis)} keepdim ${keepdim}`, () => {
        testOp({
          op: 'max',
          inputs: [distinct([3, 2, 4], 11)],
          forward: (x) => max(x, axis, keepdim),
          reference: (x) => reduce(x, axes, -Infinity, Math.max),
        });
      });
    }
  }

  it('sends the whole gradient to the first of tied maxima', () => {
    const x = fromArray([1, 3, 3, 2], [4], { requiresGrad: true });
    max(x).backward();
    expect(Array.from(x.grad!)).toEqual([0, 1, 0, 0]);
  });

  it('handles -Infinity and propagates NaN', () => {
    expect(max(fromArray([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(max(fromArray([1, NaN, 2])).item()).toBeNaN();
  });
});

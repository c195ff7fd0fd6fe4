// Tests of the test helpers themselves: they pass correct code and fail wrong code.

import { describe, expect, it } from 'vitest';
import { assertClose } from './assert-close.js';
import { gradcheck } from './gradcheck.js';
import { input, testOp } from './test-op.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import type { Tensor } from '../tensor.js';

/** x² with a deliberately wrong derivative (x instead of 2x). */
function badSquare(x: Tensor): Tensor {
  const out = empty(x.shape);
  x.data.forEach((v, i) => (out.data[i] = v * v));
  return record(out, 'pow', [x], (g) => g.forEach((gi, i) => (gradOf(x)[i]! += gi * x.data[i]!)));
}

describe('assertClose', () => {
  it('accepts values within atol + rtol·|expected| and names the worst element otherwise', () => {
    expect(() => assertClose([1, 2], [1, 2.00001])).not.toThrow();
    expect(() => assertClose([1, 2, 3], [1, 2.5, 3.1], { atol: 0.01, message: 'x' })).toThrow(
      /x: 2 of 3 elements differ.*worst at index 1: actual 2, expected 2.5/,
    );
    expect(() => assertClose([NaN], [NaN])).not.toThrow();
    expect(() => assertClose([NaN], [0])).toThrow();
    expect(() => assertClose([Infinity], [Infinity])).not.toThrow();
    expect(() => assertClose([1e30], [Infinity])).toThrow();
    expect(() => assertClose([1], [1, 2])).toThrow(/length/);
  });
});

describe('gradcheck and testOp', () => {
  it('pass a correct gradient and fail a wrong one', () => {
    expect(() => gradcheck((x) => x.pow(2), [input([5])])).not.toThrow();
    expect(() => gradcheck((x) => badSquare(x), [input([5])])).toThrow(/gradcheck: gradient of input 0/);
  });

  it('testOp fails a wrong reference, a wrong gradient, and an output from another op', () => {
    const base = {
      op: 'pow' as const,
      inputs: [input([4])],
      reference: (x: { data: Float64Array }) => x.data.map((v) => v * v),
    };
    expect(() => testOp({ ...base, forward: (x) => x.pow(2) })).not.toThrow();
    expect(() => testOp({ ...base, forward: (x) => x.pow(2), reference: (x) => x.data })).toThrow(/forward/);
    expect(() => testOp({ ...base, forward: (x) => badSquare(x) })).toThrow(/gradcheck/);
    expect(() => testOp({ ...base, forward: (x) => x.mul(x) })).toThrow(/expected an output of op 'pow', got 'mul'/);
  });
});

// Tests of matmul's causal products, attention's two: scores lower(q·kᵀ) and weights · values lower(p)·v, against
// the naive product of masked operands with every gradient checked, with and without cached keys; and the forms
// they refuse.

import { describe, expect, it } from 'vitest';
import { matmul } from './matmul.js';
import { input, testOp } from '../testing/index.js';
import type { RefInput } from '../testing/index.js';
import { matmul as naive } from '../testing/naive.js';

/** Rows and columns of x's last two axes, and how many such matrices it holds. */
function dims(x: RefInput): [number, number, number] {
  const r = x.shape.length;
  const [rows, cols] = [x.shape[r - 2]!, x.shape[r - 1]!];
  return [rows, cols, x.data.length / (rows * cols)];
}

/** x with every entry (i, j) of its matrices past the causal diagonal, j > i + cols − rows, set to 0. */
function lower(x: RefInput): RefInput {
  const [rows, cols, count] = dims(x);
  const data = Float64Array.from(x.data);
  for (let m = 0; m < count; m++)
    for (let i = 0; i < rows; i++) for (let j = i + cols - rows + 1; j < cols; j++) data[(m * rows + i) * cols + j] = 0;
  return { data, shape: x.shape };
}

/** x with the last two axes swapped. */
function swap(x: RefInput): RefInput {
  const [rows, cols, count] = dims(x);
  const data = new Float64Array(x.data.length);
  for (let m = 0; m < count; m++)
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) data[(m * cols + j) * rows + i] = x.data[(m * rows + i) * cols + j]!;
  return { data, shape: [...x.shape.slice(0, -2), cols, rows] };
}

describe('causal matmul', () => {
  // [label, batch axes of q (or p), batch axes of k (or v), T, Tk]
  const cases: [string, number[], number[], number, number][] = [
    ['heads of a batch, T = Tk', [2, 3], [2, 3], 5, 5],
    ['new positions after cached keys, T < Tk', [2, 2], [2, 2], 3, 7],
    ['one new position', [2], [2], 1, 6],
    ['2-D', [], [], 6, 6],
    ['keys shared across a broadcast batch (product by product)', [2, 3], [3], 4, 4],
  ];
  for (const [label, qb, kb, T, Tk] of cases) {
    it(`scores lower(q·kᵀ), ${label}`, () => {
      testOp({
        op: 'matmul',
        inputs: [input([...qb, T, 4], { seed: 21 }), input([...kb, Tk, 4], { seed: 22 })],
        forward: (q, k) => matmul(q, k, { transB: true, causal: 'output' }),
        reference: (q, k) => lower({ data: Float64Array.from(naive(q, swap(k))), shape: [...qb, T, Tk] }).data,
        shape: [...qb, T, Tk],
      });
    });
    it(`weights · values lower(p)·v, ${label}`, () => {
      testOp({
        op: 'matmul',
        inputs: [input([...qb, T, Tk], { seed: 23 }), input([...kb, Tk, 3], { seed: 24 })],
        forward: (p, v) => matmul(p, v, { causal: 'left' }),
        reference: (p, v) => naive(lower(p), v),
        shape: [...qb, T, 3],
      });
    });
  }

  it('leaves the masked scores exactly 0, whatever the operands', () => {
    const q = input([2, 5, 3], { seed: 25 });
    const k = input([2, 5, 3], { seed: 26 });
    const scores = matmul(q, k, { transB: true, causal: 'output' });
    for (let m = 0; m < 2; m++)
      for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) expect(scores.data[(m * 5 + i) * 5 + j]).toBe(0);
  });

  it('refuses the forms it does not compute, and unknown masks', () => {
    const [a, b] = [input([4, 4], { seed: 27 }), input([4, 4], { seed: 28 })];
    expect(() => matmul(a, b, { causal: 'output' })).toThrow("causal 'output' is for a·bᵀ (transB only)");
    expect(() => matmul(a, b, { transA: true, transB: true, causal: 'output' })).toThrow('transB only');
    expect(() => matmul(a, b, { transB: true, causal: 'left' })).toThrow("causal 'left' is for a·b (no transposes)");
    expect(() => matmul(a, b, { causal: 'upper' as 'left' })).toThrow("causal must be 'output' or 'left', got upper");
  });
});

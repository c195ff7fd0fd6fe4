// Every kernel refuses sizes and arrays that do not fit one another with a RangeError naming it, before anything is
// read or written: on the WebAssembly backend the whole memory, the other tensors' included, is left as it was.

import { cpuBackend } from '@tinygpt/autograd';
import type { Backend } from '@tinygpt/autograd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';
import { testBackendOptions } from './testing.js';

let wasm: WasmBackend;
beforeAll(async () => {
  wasm = await createWasmBackend(testBackendOptions);
});
afterAll(() => wasm.close());

/** A misuse: the call, made on a backend with arrays from its own `alloc`, and the message it must get. */
type Misuse = [string, (be: Backend, f: (n: number) => Float32Array) => unknown, RegExp];

const ids = (...values: number[]) => Int32Array.from(values);
const adamStep = { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, bc1: 0.1, bc2: 0.01 };

const misuses: Misuse[] = [
  ['unary, out short', (be, f) => be.unary('exp', f(8), f(4)), /^unary: out holds 4 floats where 8 are needed$/],
  [
    'unaryBackward, dx short',
    (be, f) => be.unaryBackward('tanh', f(8), f(8), f(8), f(5)),
    /^unaryBackward: dx holds 5 floats where 8 are needed$/,
  ],
  ['powScalar, out short', (be, f) => be.powScalar(f(8), 2, f(7)), /^powScalar: out holds 7 floats/],
  [
    'binary, out shorter than its shape',
    (be, f) => be.binary('add', f(32), [4, 8], f(8), [8], f(16), [4, 8], false),
    /^binary: out holds 16 floats where 32 are needed$/,
  ],
  [
    'binary, an operand that does not broadcast',
    (be, f) => be.binary('mul', f(6), [2, 3], f(4), [4], f(6), [2, 3], false),
    /^binary: b's shape \[4\] does not broadcast to \[2, 3\]$/,
  ],
  [
    'where, cond shorter than its shape',
    (be, f) => be.where(f(3), [2, 3], f(6), [2, 3], f(1), [1], f(6), [2, 3]),
    /^where: cond holds 3 floats where 6 are needed$/,
  ],
  ['axpy, y short', (be, f) => be.axpy(2, f(8), f(4)), /^axpy: y holds 4 floats/],
  [
    'sumTo, out shorter than its shape',
    (be, f) => be.sumTo(f(40), [8, 5], f(4), [1, 5], false),
    /^sumTo: out holds 4 floats where 5 are needed$/,
  ],
  [
    'broadcastTo, x shorter than its shape',
    (be, f) => be.broadcastTo(f(4), [1, 5], f(40), [8, 5], false),
    /^broadcastTo: x holds 4 floats where 5 are needed$/,
  ],
  [
    'maxTo, argmax short',
    (be, f) => be.maxTo(f(24), [6, 4], f(6), [6, 1], new Int32Array(3)),
    /^maxTo: argmax holds 3 ids where 6 are needed$/,
  ],
  [
    'scatterAdd, an index past dx',
    (be, f) => be.scatterAdd(f(3), ids(0, 1, 9), f(4)),
    /^scatterAdd: index\[2\] = 9 is outside \[0, 4\)$/,
  ],
  [
    'permute, dims that repeat an axis',
    (be, f) => be.permute(f(12), [3, 4], [0, 0], f(12), false),
    /^permute: dims \[0, 0\] are not an order of x's 2 axes$/,
  ],
  [
    'copyAxis, a window past the source axis',
    (be, f) => be.copyAxis(f(24), 6, 4, f(24), 6, 0, 2, 3, 2, false),
    /^copyAxis: 3 entries from 4 of 6 to 0 of 6 run past an axis$/,
  ],
  [
    'copyAxis, dst short',
    (be, f) => be.copyAxis(f(24), 6, 0, f(20), 6, 0, 2, 3, 2, false),
    /^copyAxis: dst holds 20 floats where 24 are needed$/,
  ],
  [
    'copyAxis, a negative start',
    (be, f) => be.copyAxis(f(24), 6, 0, f(24), 6, -2, 2, 3, 2, false),
    /^copyAxis: dstStart must be a whole number ≥ 0, got -2$/,
  ],
  [
    'gather, an index past the axis',
    (be, f) => be.gather(f(12), 3, 4, 1, ids(0, 1, 2, 3, 4, 0), 2, f(6)),
    /^gather: index\[4\] = 4 is outside \[0, 4\)$/,
  ],
  [
    'indexSelect, out short',
    (be, f) => be.indexSelect(f(24), 4, ids(5, 0, 2), f(8)),
    /^indexSelect: out holds 8 floats where 12 are needed$/,
  ],
  [
    'indexSelect, an id past the table',
    (be, f) => be.indexSelect(f(24), 4, ids(5, 6), f(8)),
    /^indexSelect: ids\[1\] = 6 is outside \[0, 6\)$/,
  ],
  [
    'indexSelectBackward, an id 100 rows past dx',
    (be, f) => be.indexSelectBackward(f(12), 4, ids(0, 1, 101), f(8)),
    /^indexSelectBackward: ids\[2\] = 101 is outside \[0, 2\)$/,
  ],
  ['softmax, rows past x', (be, f) => be.softmax(f(6), 2, 4, f(8)), /^softmax: x holds 6 floats where 8 are needed$/],
  ['softmax, a fractional size', (be, f) => be.softmax(f(8), 2, 4.5, f(8)), /^softmax: cols must be a whole number/],
  [
    'causalSoftmax, rows not whole groups of T',
    (be, f) => be.causalSoftmax(f(40), 5, 4, 8, 1, f(40)),
    /^causalSoftmax: rows \(5\) must be whole groups of T \(4\) queries, with 1 ≤ T ≤ Tk \(8\)$/,
  ],
  [
    'causalSoftmaxBackward, dx short',
    (be, f) => be.causalSoftmaxBackward(f(32), f(32), 4, 4, 8, 1, f(31)),
    /^causalSoftmaxBackward: dx holds 31 floats where 32 are needed$/,
  ],
  [
    'logSoftmaxBackward, dy short',
    (be, f) => be.logSoftmaxBackward(f(12), f(11), 3, 4, f(12)),
    /^logSoftmaxBackward: dy holds 11 floats/,
  ],
  [
    'crossEntropy, a target past the classes',
    (be, f) => be.crossEntropy(f(12), 3, 4, ids(0, 4, 1), -100, f(3)),
    /^crossEntropy: targets\[1\] = 4 is outside \[0, 4\)$/,
  ],
  [
    'crossEntropyBackward, a negative target that is not ignoreIndex',
    (be, f) => be.crossEntropyBackward(f(12), f(3), 3, 4, ids(0, -1, 1), -100, 1, f(12)),
    /^crossEntropyBackward: targets\[1\] = -1 is outside \[0, 4\)$/,
  ],
  [
    'layerNorm, rstd short',
    (be, f) => be.layerNorm(f(12), 3, 4, f(4), null, 1e-5, f(12), f(3), f(2)),
    /^layerNorm: rstd holds 2 floats where 3 are needed$/,
  ],
  [
    'layerNormBackward, dWeight short',
    (be, f) => be.layerNormBackward(f(12), f(12), 3, 4, f(4), f(3), f(3), f(12), f(3), null),
    /^layerNormBackward: dWeight holds 3 floats where 4 are needed$/,
  ],
  [
    'adamw, v short',
    (be, f) => be.adamw(f(8), f(8), f(8), f(4), adamStep),
    /^adamw: v holds 4 floats where 8 are needed$/,
  ],
  [
    'adamwMany, one entry short',
    (be, f) =>
      be.adamwMany([
        { p: f(4), g: f(4), m: f(4), v: f(4), step: adamStep },
        { p: f(8), g: f(8), m: f(2), v: f(8), step: adamStep },
      ]),
    /^adamwMany\[1\]: m holds 2 floats where 8 are needed$/,
  ],
  [
    'sgd, buf short',
    (be, f) => be.sgd(f(8), f(8), f(4), { lr: 0.1, momentum: 0.9, weightDecay: 0 }),
    /^sgd: buf holds 4 floats/,
  ],
];

/** Whether two snapshots of memory hold the same bits. */
function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes 0, 1, 2, 0, 1, 2, … into `array`. */
function fill(array: Float32Array): Float32Array {
  for (let i = 0; i < array.length; i++) array[i] = i % 3;
  return array;
}

/**
 * The WebAssembly arrays a misuse takes, in the order it asks for them: made and filled in a first
 * pass of the call on the CPU backend (which gets copies), so that nothing is allocated once the
 * memory has been read.
 */
function wasmArrays(call: Misuse[1]): Float32Array[] {
  const arrays: Float32Array[] = [];
  try {
    call(cpuBackend, (n) => {
      const array = fill(wasm.alloc(n));
      arrays.push(array);
      return array.slice();
    });
  } catch {
    // the CPU backend refuses it (its own test says so)
  }
  return arrays;
}

describe('kernels refuse arrays and sizes that do not fit', () => {
  it.each(misuses)('%s: a RangeError on the CPU backend', (_name, call, message) => {
    expect(() => call(cpuBackend, (n) => fill(new Float32Array(n)))).toThrow(RangeError);
    expect(() => call(cpuBackend, (n) => fill(new Float32Array(n)))).toThrow(message);
  });

  it.each(misuses)('%s: a RangeError on wasm, with the whole memory unchanged', (_name, call, message) => {
    const arrays = wasmArrays(call);
    const before = new Uint32Array(wasm.runtime.heap.view.buffer).slice();
    let next = 0;
    expect(() => call(wasm, () => arrays[next++]!)).toThrow(message);
    expect(next).toBe(arrays.length);
    expect(sameBits(new Uint32Array(wasm.runtime.heap.view.buffer), before)).toBe(true);
    for (const array of arrays) wasm.free(array);
  });
});

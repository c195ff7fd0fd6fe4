// New gradients skip the zero fill where the first backward kernel writes every element (matmul, permute, concat,
// sum, reshape, add/mul, the unary ops, causal softmax): checked on a backend whose unfilled buffers hold NaN,
// against the same graphs on the CPU backend, with inputs used once and twice.

import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from './backend/active.js';
import type { Backend } from './backend/backend.js';
import { cpuBackend } from './backend/cpu/index.js';
import { tensor } from './creation.js';
import { causalSoftmax } from './ops/causal-softmax.js';
import { concat } from './ops/concat.js';
import { matmul } from './ops/matmul.js';
import { permute } from './ops/permute.js';
import { reshape } from './ops/reshape.js';
import { Rng } from './rng.js';
import type { Tensor } from './tensor.js';
import { gelu } from './functional/layers.js';
import { add, exp, mul, relu, sub, sum, tanh } from './tensor-ops.js';

/** The CPU backend, except that a buffer asked for without the zero fill comes full of NaN. */
const poisoned: Backend = {
  ...cpuBackend,
  alloc: (size, zeroed = true) => {
    const buffer = cpuBackend.alloc(size, zeroed);
    if (!zeroed) buffer.fill(NaN);
    return buffer;
  },
};

const before = getBackend();
afterEach(() => setBackend(before));

/** Leaves of the given shapes (seeded), the loss `f` builds from them, and their gradients after backward. */
function grads(backend: Backend, shapes: readonly number[][], f: (xs: Tensor[]) => Tensor): number[][] {
  setBackend(backend);
  const rng = new Rng('grad-adds');
  const xs = shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return tensor(
      Float32Array.from({ length: size }, () => rng.normal()),
      shape,
      { requiresGrad: true },
    );
  });
  f(xs).backward();
  return xs.map((x) => Array.from(x.grad!));
}

/** Each graph: once with every input used once, once with an input reaching the loss twice (the second adds). */
const cases: Record<string, { shapes: number[][]; f: (xs: Tensor[]) => Tensor }> = {
  'matmul, 2-D right operand (folded)': {
    shapes: [
      [2, 3, 4],
      [4, 5],
    ],
    f: ([a, b]) => sum(matmul(a!, b!)),
  },
  'matmul, batched, transposed': {
    shapes: [
      [2, 3, 4],
      [2, 5, 4],
    ],
    f: ([a, b]) => sum(mul(matmul(a!, b!, { transB: true }), matmul(a!, b!, { transB: true }))),
  },
  'matmul, broadcast batch (shared right operand)': {
    shapes: [
      [3, 2, 4],
      [1, 4, 2],
    ],
    f: ([a, b]) => sum(matmul(a!, b!)),
  },
  'matmul, same tensor both sides': { shapes: [[4, 4]], f: ([a]) => sum(matmul(a!, a!)) },
  'permute, head split and merge': {
    shapes: [[2, 3, 4]],
    f: ([x]) =>
      sum(mul(permute(reshape(x!, [2, 3, 2, 2]), [0, 2, 1, 3]), permute(reshape(x!, [2, 3, 2, 2]), [0, 2, 1, 3]))),
  },
  'concat, an input twice': {
    shapes: [
      [2, 3],
      [2, 2],
    ],
    f: ([a, b]) => sum(mul(concat([a!, b!, a!], 1), concat([b!, a!, a!], 1))),
  },
  'unary backward (GELU, ReLU, tanh, exp) on a shared input': {
    shapes: [[3, 5]],
    f: ([x]) => sum(add(add(gelu(x!), relu(x!)), mul(tanh(x!), exp(x!)))),
  },
  'causal softmax, its scores used twice': {
    shapes: [[2, 3, 4]],
    f: ([x]) => sum(mul(causalSoftmax(x!, 0.5), causalSoftmax(x!, 0.5))),
  },
  'sum over an axis': { shapes: [[3, 4]], f: ([x]) => sum(mul(sum(x!, 1), sum(x!, 1))) },
  'reshape then add, sub and mul': {
    shapes: [[2, 6], [12]],
    f: ([a, b]) =>
      sum(mul(reshape(sub(add(reshape(a!, [12]), b!), b!), [3, 4]), add(reshape(a!, [3, 4]), reshape(b!, [3, 4])))),
  },
};

describe('gradients without the zero fill', () => {
  for (const [name, { shapes, f }] of Object.entries(cases)) {
    it(`${name}: every element written, the same bits as on the CPU backend`, () => {
      const want = grads(cpuBackend, shapes, f);
      const got = grads(poisoned, shapes, f);
      for (const g of got) expect(g.some(Number.isNaN)).toBe(false);
      expect(got).toEqual(want);
    });
  }

  it('would catch a kernel that left an element unwritten', () => {
    const leaky: Backend = { ...poisoned, permute: () => undefined };
    const got = grads(leaky, [[2, 3]], ([x]) => sum(permute(x!, [1, 0])));
    expect(got[0]!.every(Number.isNaN)).toBe(true);
  });
});

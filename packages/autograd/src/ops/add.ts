// Elementwise addition with broadcasting: y = a + b, so ∂y/∂a = ∂y/∂b = 1.

import type { Tensor } from '../tensor.js';
import { record } from '../graph.js';
import type { OpDef } from './op-def.js';
import { accumulateGrad, binaryForward } from './util.js';

/** a + b, broadcast (NumPy rules). */
export function add(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward('add', a, b);
  return record(out, 'add', [a, b], (g) => {
    if (a.requiresGrad) accumulateGrad(a, g, out.shape); // da += g, summed over broadcast axes
    if (b.requiresGrad) accumulateGrad(b, g, out.shape); // db += g
  });
}

/** The registry entry of `add`. */
export const addOp = { name: 'add', apply: add, summary: 'a + b; da = g, db = g' } satisfies OpDef<'add'>;

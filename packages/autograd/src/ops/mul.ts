// Elementwise multiplication with broadcasting: y = a·b, so ∂y/∂a = b, ∂y/∂b = a.

import type { Tensor } from '../tensor.js';
import { record } from '../graph.js';
import type { OpDef } from './op-def.js';
import { accumulateProduct, binaryForward } from './util.js';

/** a · b elementwise, broadcast. */
export function mul(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward('mul', a, b);
  return record(out, 'mul', [a, b], (g) => {
    if (a.requiresGrad) accumulateProduct('mul', a, g, out.shape, b); // da += g·b
    if (b.requiresGrad) accumulateProduct('mul', b, g, out.shape, a); // db += g·a
  });
}

/** The registry entry of `mul`. */
export const mulOp = { name: 'mul', apply: mul, summary: 'a·b; da = g·b, db = g·a' } satisfies OpDef<'mul'>;

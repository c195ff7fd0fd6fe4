// Elementwise subtraction with broadcasting: y = a − b, so ∂y/∂a = 1, ∂y/∂b = −1.

import type { Tensor } from '../tensor.js';
import { record } from '../graph.js';
import type { OpDef } from './op-def.js';
import { accumulateGrad, binaryForward } from './util.js';

/** a − b, broadcast. */
export function sub(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward('sub', a, b);
  return record(out, 'sub', [a, b], (g) => {
    if (a.requiresGrad) accumulateGrad(a, g, out.shape); // da += g
    if (b.requiresGrad) accumulateGrad(b, g, out.shape, -1); // db −= g
  });
}

/** The registry entry of `sub`. */
export const subOp = { name: 'sub', apply: sub, summary: 'a − b; da = g, db = −g' } satisfies OpDef<'sub'>;

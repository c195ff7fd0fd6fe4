// Exponential: y = eˣ, so ∂y/∂x = eˣ = y.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** eˣ elementwise. */
export function exp(x: Tensor): Tensor {
  const be = getBackend();
  const out = empty(x.shape);
  be.unary('exp', x.data, out.data);
  // dx += g·y
  return record(out, 'exp', [x], (g) => {
    const add = gradAdds(x);
    be.unaryBackward('exp', x.data, out.data, g, x.grad!, add);
  });
}

/** The registry entry of `exp`. */
export const expOp = { name: 'exp', apply: exp, summary: 'eˣ; dx = g·eˣ' } satisfies OpDef<'exp'>;

// Hyperbolic tangent: y = tanh x, so ∂y/∂x = 1 − y².

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** tanh x elementwise. */
export function tanh(x: Tensor): Tensor {
  const be = getBackend();
  const out = empty(x.shape);
  be.unary('tanh', x.data, out.data);
  // dx += g·(1 − y²)
  return record(out, 'tanh', [x], (g) => {
    const add = gradAdds(x);
    be.unaryBackward('tanh', x.data, out.data, g, x.grad!, add);
  });
}

/** The registry entry of `tanh`. */
export const tanhOp = { name: 'tanh', apply: tanh, summary: 'tanh x; dx = g·(1 − tanh² x)' } satisfies OpDef<'tanh'>;

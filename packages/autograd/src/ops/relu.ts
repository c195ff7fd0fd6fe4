// Rectified linear unit: y = max(x, 0), so ∂y/∂x = 1 where x > 0, else 0.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** max(x, 0) elementwise. */
export function relu(x: Tensor): Tensor {
  const be = getBackend();
  const out = empty(x.shape);
  be.unary('relu', x.data, out.data);
  // dx += g where x > 0
  return record(out, 'relu', [x], (g) => {
    const add = gradAdds(x);
    be.unaryBackward('relu', x.data, out.data, g, x.grad!, add);
  });
}

/** The registry entry of `relu`. */
export const reluOp = { name: 'relu', apply: relu, summary: 'max(x, 0); dx = g·[x > 0]' } satisfies OpDef<'relu'>;

// Square root: y = √x, so ∂y/∂x = 1/(2√x) = 1/(2y).

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** √x elementwise. */
export function sqrt(x: Tensor): Tensor {
  const be = getBackend();
  const out = empty(x.shape);
  be.unary('sqrt', x.data, out.data);
  // dx += g/(2y)
  return record(out, 'sqrt', [x], (g) => {
    const add = gradAdds(x);
    be.unaryBackward('sqrt', x.data, out.data, g, x.grad!, add);
  });
}

/** The registry entry of `sqrt`. */
export const sqrtOp = { name: 'sqrt', apply: sqrt, summary: '√x; dx = g/(2√x)' } satisfies OpDef<'sqrt'>;

// Natural logarithm: y = ln x, so ∂y/∂x = 1/x.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** ln x elementwise (−∞ at 0, NaN below). */
export function log(x: Tensor): Tensor {
  const be = getBackend();
  const out = empty(x.shape);
  be.unary('log', x.data, out.data);
  // dx += g/x
  return record(out, 'log', [x], (g) => {
    const add = gradAdds(x);
    be.unaryBackward('log', x.data, out.data, g, x.grad!, add);
  });
}

/** The registry entry of `log`. */
export const logOp = { name: 'log', apply: log, summary: 'ln x; dx = g/x' } satisfies OpDef<'log'>;

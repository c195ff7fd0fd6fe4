// Negation: y = −x, so ∂y/∂x = −1.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** −x elementwise. */
export function neg(x: Tensor): Tensor {
  const be = getBackend();
  const out = empty(x.shape);
  be.unary('neg', x.data, out.data);
  // dx −= g
  return record(out, 'neg', [x], (g) => {
    const add = gradAdds(x);
    be.unaryBackward('neg', x.data, out.data, g, x.grad!, add);
  });
}

/** The registry entry of `neg`. */
export const negOp = { name: 'neg', apply: neg, summary: '−x; dx = −g' } satisfies OpDef<'neg'>;

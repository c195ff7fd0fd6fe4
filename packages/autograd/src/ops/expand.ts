// Broadcast to a larger shape: repeats size-1 axes; the gradient sums over the repeats.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import type { Shape } from '../shape.js';
import { showShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** x broadcast to `shape` (NumPy rules; −1 keeps x's size; new axes may be added in front). */
export function expand(x: Tensor, shape: Shape): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new Error(`expand: cannot expand ${showShape(x.shape)} to fewer axes ${showShape(shape)}`);
  const target = shape.map((d, i) => {
    const own = i >= lead ? x.shape[i - lead]! : 1;
    const size = d === -1 && i >= lead ? own : d;
    if (own !== size && own !== 1)
      throw new Error(`expand: cannot expand ${showShape(x.shape)} to ${showShape(shape)}`);
    return size;
  });
  const be = getBackend();
  const out = empty(target);
  be.broadcastTo(x.data, x.shape, out.data, target, false);
  // dx += g summed over the repeated axes
  return record(out, 'expand', [x], (g) => be.sumTo(g, target, gradOf(x), x.shape, true));
}

/** The registry entry of `expand`. */
export const expandOp = {
  name: 'expand',
  apply: expand,
  summary: 'broadcast to a shape; dx = g summed over repeats',
} satisfies OpDef<'expand'>;

// Sum over axes: y = Σ x over the reduced axes, so ∂y/∂x = 1 — the gradient is broadcast back.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import { normAxes, reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * Σ x over `axis` (a number, a list, or all axes when omitted; negative axes count from the end).
 * Shape: the reduced axes are removed, or kept as size 1 when `keepdim`.
 */
export function sum(x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  const axes = normAxes(axis, x.ndim);
  const kept = reducedShape(x.shape, axes, true);
  const be = getBackend();
  const out = empty(reducedShape(x.shape, axes, keepdim));
  be.sumTo(x.data, x.shape, out.data, kept, false);
  // dx += g broadcast over the reduced axes
  return record(out, 'sum', [x], (g) => {
    const add = gradAdds(x);
    be.broadcastTo(g, kept, x.grad!, x.shape, add);
  });
}

/** The registry entry of `sum`. */
export const sumOp = {
  name: 'sum',
  apply: sum,
  summary: 'Σ x over axes; dx = g broadcast back',
} satisfies OpDef<'sum'>;

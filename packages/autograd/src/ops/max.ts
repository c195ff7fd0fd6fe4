// Maximum over axes: the gradient flows to the first maximal element of each reduced group, as in PyTorch's max(dim).

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import { normAxes, reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * max x over `axis` (a number, a list, or all axes when omitted).
 * Shape: the reduced axes are removed, or kept as size 1 when `keepdim`.
 */
export function max(x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  const axes = normAxes(axis, x.ndim);
  const kept = reducedShape(x.shape, axes, true);
  const be = getBackend();
  const out = empty(reducedShape(x.shape, axes, keepdim));
  const argmax = new Int32Array(out.size);
  be.maxTo(x.data, x.shape, out.data, kept, argmax);
  // dx[argmax] += g
  return record(out, 'max', [x], (g) => be.scatterAdd(g, argmax, gradOf(x)));
}

/** The registry entry of `max`. */
export const maxOp = { name: 'max', apply: max, summary: 'max x over axes; dx[argmax] = g' } satisfies OpDef<'max'>;

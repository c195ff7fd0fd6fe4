// Axis permutation (transpose): copies into the new contiguous order; the gradient is permuted back.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import { normAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** x with output axis i taken from input axis dims[i] (negative axes allowed). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const rank = x.ndim;
  const order = dims.map((d) => normAxis(d, rank));
  if (order.length !== rank || new Set(order).size !== rank) {
    throw new Error(`permute: [${dims.join(', ')}] is not a permutation of the ${rank} axes`);
  }
  const inverse = new Array<number>(rank);
  order.forEach((d, i) => (inverse[d] = i));
  const be = getBackend();
  const out = empty(order.map((d) => x.shape[d]!));
  be.permute(x.data, x.shape, order, out.data, false);
  // dx += g permuted by the inverse order
  return record(out, 'permute', [x], (g) => {
    const add = gradAdds(x);
    be.permute(g, out.shape, inverse, x.grad!, add);
  });
}

/** The registry entry of `permute`. */
export const permuteOp = {
  name: 'permute',
  apply: permute,
  summary: 'reorder axes; dx = g with the inverse order',
} satisfies OpDef<'permute'>;

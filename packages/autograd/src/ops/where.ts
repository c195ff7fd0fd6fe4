// Elementwise selection y = cond ? a : b, broadcast; the gradient goes to whichever side was chosen.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { record } from '../graph.js';
import { broadcastShapes } from '../shape.js';
import { allocStorage, allocZeroed, freeStorage } from '../storage.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';
import { accumulateGrad } from './util.js';

/**
 * a where cond ≠ 0, b elsewhere; all three broadcast together. `cond` (usually 0/1) gets no
 * gradient. Unlike cond·a + (1 − cond)·b, infinities in the unchosen side do no harm.
 */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
  const be = getBackend();
  const out = empty(shape);
  be.where(cond.data, cond.shape, a.data, a.shape, b.data, b.shape, out.data, shape);
  return record(out, 'where', [a, b], (g) => {
    const zero = allocZeroed(1);
    const t = allocStorage(g.length);
    if (a.requiresGrad) {
      be.where(cond.data, cond.shape, g, shape, zero, [], t, shape); // da += g where cond
      accumulateGrad(a, t, shape);
    }
    if (b.requiresGrad) {
      be.where(cond.data, cond.shape, zero, [], g, shape, t, shape); // db += g elsewhere
      accumulateGrad(b, t, shape);
    }
    freeStorage(t);
    freeStorage(zero);
  });
}

/** The registry entry of `where`. */
export const whereOp = {
  name: 'where',
  apply: where,
  summary: 'cond ? a : b; da = g·cond, db = g·(1 − cond)',
} satisfies OpDef<'where'>;

// Fused softmax over the last axis: y = exp(x − max)/Σ exp(x − max), dx = y ⊙ (dy − Σ dy ⊙ y).

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * Softmax along the last axis in one kernel (max-subtracted, so large logits cannot overflow).
 * Tested equal, value and gradient, to its composition exp(x − max(x)) / Σ exp(x − max(x)).
 */
export function softmaxLast(x: Tensor): Tensor {
  if (x.ndim < 1) throw new Error('softmax: needs at least one axis');
  const cols = x.shape[x.ndim - 1]!;
  const rows = cols === 0 ? 0 : x.size / cols;
  const be = getBackend();
  const out = empty(x.shape);
  be.softmax(x.data, rows, cols, out.data);
  // dx += y ⊙ (g − Σ g ⊙ y)
  return record(out, 'softmax', [x], (g) => be.softmaxBackward(out.data, g, rows, cols, gradOf(x)));
}

/** The registry entry of `softmax`. */
export const softmaxOp = {
  name: 'softmax',
  apply: softmaxLast,
  summary: 'softmax over the last axis; dx = y ⊙ (g − Σ g ⊙ y)',
} satisfies OpDef<'softmax'>;

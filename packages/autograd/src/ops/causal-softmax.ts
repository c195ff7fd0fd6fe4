// Attention's scale + causal mask + softmax in one kernel: y = softmax(scale·x) over the keys each query sees,
// dx = scale·y ⊙ (dy − Σ dy ⊙ y).

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import { showShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * Attention weights from raw scores x (..., T, Tk) in one pass: the T queries are the last T of Tk
 * positions (the first Tk − T from a KV cache), query i sees keys 0..Tk − T + i, and each row is
 * softmax(scale·x) over those keys, 0 beyond. Tested equal, value and gradient, to
 * `x.mul(scale).maskedFill(causalMask, −∞).softmax(-1)`, without the two intermediate tensors.
 * @example
 * const att = causalSoftmax(matmul(q, k, { transB: true }), 1 / Math.sqrt(headSize)); // (B, nh, T, Tk)
 */
export function causalSoftmax(x: Tensor, scale: number): Tensor {
  if (x.ndim < 2) throw new Error(`causalSoftmax: needs (…, T, Tk) scores, got ${showShape(x.shape)}`);
  const T = x.shape[x.ndim - 2]!;
  const Tk = x.shape[x.ndim - 1]!;
  if (Tk < T) throw new Error(`causalSoftmax: ${T} queries need at least as many keys, got ${showShape(x.shape)}`);
  if (!Number.isFinite(scale)) throw new Error(`causalSoftmax: scale must be finite, got ${scale}`);
  const rows = Tk === 0 ? 0 : x.size / Tk;
  const be = getBackend();
  const out = empty(x.shape);
  be.causalSoftmax(x.data, rows, T, Tk, scale, out.data);
  return record(out, 'causalSoftmax', [x], (g) => {
    const add = gradAdds(x);
    be.causalSoftmaxBackward(out.data, g, rows, T, Tk, scale, x.grad!, add);
  });
}

/** The registry entry of `causalSoftmax`. */
export const causalSoftmaxOp = {
  name: 'causalSoftmax',
  apply: causalSoftmax,
  summary: 'softmax(scale·x) under a causal mask; dx = scale·y ⊙ (g − Σ g ⊙ y)',
} satisfies OpDef<'causalSoftmax'>;

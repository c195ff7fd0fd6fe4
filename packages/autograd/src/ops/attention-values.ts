// Attention's weighted sum of values read in place from the q, k, v projection, heads written side by side:
// y[:, :, h] = lower(att_h)·v_h; datt_h = lower(g_h·v_hᵀ), dv_h = lower(att_h)ᵀ·g_h into the projection's gradient.

import { empty } from '../creation.js';
import { gradAdds, gradOf, record } from '../graph.js';
import { showShape } from '../shape.js';
import { headProducts, headsOf, merged, projected, weights } from './attention-heads.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * Each head's causal attention weights times its values, the heads side by side:
 * att (B, nHead, T, T) and qkv (B, T, 3·C) → (B, T, C), where head h's values are channels
 * 2·C + h·hs … of the projection and its output channels h·hs … (hs = C / nHead); att is read as 0
 * above its diagonal. The same bits as `matmul(att, v, { causal: 'left' })` on the split-out
 * heads followed by merging them, without the copies.
 * @example
 * const y = attentionValues(att, qkv, nHead); // (B, T, C), ready for the output projection
 */
export function attentionValues(att: Tensor, qkv: Tensor, nHead: number): Tensor {
  const heads = headsOf('attentionValues', qkv, nHead);
  const { B, T, C, hs } = heads;
  if (att.ndim !== 4 || att.shape[0] !== B || att.shape[1] !== nHead || att.shape[2] !== T || att.shape[3] !== T) {
    throw new Error(
      `attentionValues: needs weights ${showShape([B, nHead, T, T])} for this projection, got ${showShape(att.shape)}`,
    );
  }
  const out = empty([B, T, C]);
  const [w, v] = [weights(heads, att.data), projected(heads, qkv.data, 2)];
  headProducts(heads, false, false, [T, hs, T], w, v, merged(heads, out.data), false, 'lowerA');
  return record(out, 'attentionValues', [att, qkv], (g) => {
    const gy = merged(heads, g);
    if (att.requiresGrad) {
      const add = gradAdds(att);
      headProducts(heads, false, true, [T, T, hs], gy, v, weights(heads, att.grad!), add, 'lowerC'); // lower(g·vᵀ)
    }
    if (qkv.requiresGrad) {
      headProducts(heads, true, false, [T, hs, T], w, gy, projected(heads, gradOf(qkv), 2), true, 'upperA'); // lower(att)ᵀ·g
    }
  });
}

/** The registry entry of `attentionValues`. */
export const attentionValuesOp = {
  name: 'attentionValues',
  apply: attentionValues,
  summary: 'lower(att)·v of every head, v read in place from (B, T, 3·C), heads side by side; datt, dv by sgemm flags',
} satisfies OpDef<'attentionValues'>;

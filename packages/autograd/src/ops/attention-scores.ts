// Causal attention scores read in place from the q, k, v projection: s[b, h] = lower(q_h·k_hᵀ);
// dq_h = lower(ds)·k_h and dk_h = lower(ds)ᵀ·q_h, written into the projection's gradient.

import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import { headProducts, headsOf, projected, weights } from './attention-heads.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * Raw causal scores of every head, (B, T, 3·C) → (B, nHead, T, T): entry (i, j) is q_i·k_j for
 * j ≤ i and 0 above, where head h's queries are channels h·hs … (h+1)·hs of the projection's first
 * C and its keys the same channels of the next C (hs = C / nHead). The same bits as splitting
 * the heads out, `matmul(q, k, { transB: true, causal: 'output' })`, without the copies: the
 * products read each head where it lies.
 * @example
 * const att = causalSoftmax(attentionScores(qkv, nHead), 1 / Math.sqrt(headSize)); // (B, nHead, T, T)
 */
export function attentionScores(qkv: Tensor, nHead: number): Tensor {
  const heads = headsOf('attentionScores', qkv, nHead);
  const { B, T, hs } = heads;
  const out = empty([B, nHead, T, T]);
  const [q, k] = [projected(heads, qkv.data, 0), projected(heads, qkv.data, 1)];
  headProducts(heads, false, true, [T, T, hs], q, k, weights(heads, out.data), false, 'lowerC');
  return record(out, 'attentionScores', [qkv], (g) => {
    const [gs, dx] = [weights(heads, g), gradOf(qkv)];
    headProducts(heads, false, false, [T, hs, T], gs, k, projected(heads, dx, 0), true, 'lowerA'); // dq = lower(g)·k
    headProducts(heads, true, false, [T, hs, T], gs, q, projected(heads, dx, 1), true, 'upperA'); // dk = lower(g)ᵀ·q
  });
}

/** The registry entry of `attentionScores`. */
export const attentionScoresOp = {
  name: 'attentionScores',
  apply: attentionScores,
  summary: 'causal q·kᵀ of every head, read in place from (B, T, 3·C); dq = lower(g)·k, dk = lower(g)ᵀ·q',
} satisfies OpDef<'attentionScores'>;

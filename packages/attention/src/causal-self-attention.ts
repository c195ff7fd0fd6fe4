// Causal multi-head self-attention (Vaswani et al. 2017; GPT-2's `attn`), as nanoGPT's CausalSelfAttention.
import { Dropout, Linear, Module, attentionScores, attentionValues, causalSoftmax, matmul } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';
import type { KvCache } from './kv-cache.js';

/** The config fields a {@link CausalSelfAttention} reads (the GPT config has them all). */
export interface AttentionConfig {
  /** Width of the residual stream (C); split evenly across the heads. */
  nEmbd: number;
  /** Number of attention heads; must divide nEmbd. */
  nHead: number;
  /** Longest context, cached positions included. */
  blockSize: number;
  /** Dropout probability on the attention weights and on the output. */
  dropout: number;
  /** Whether cAttn and cProj have biases (GPT-2: true). */
  bias: boolean;
  /** Number of transformer blocks; scales cProj's initialisation. */
  nLayer: number;
}

/**
 * Every position attends to itself and the positions before it, in nHead heads of headSize =
 * nEmbd / nHead channels each: softmax(q·kᵀ / sqrt(headSize), masked causally) · v, then cProj.
 *
 * Initialisation as GPT-2 / nanoGPT: weights normal(0, 0.02), cProj (a residual projection)
 * normal(0, 0.02 / sqrt(2·nLayer)), biases zero. Parameters: 4·C² + 4·C with bias, 4·C² without.
 *
 * @example
 * const attn = new CausalSelfAttention({ nEmbd: 32, nHead: 4, blockSize: 8, dropout: 0, bias: true, nLayer: 2 }, { rng });
 * attn.forward(x, { returnAttention: true }); // x (B, T, 32) → (B, T, 32)
 * attn.lastAttention?.shape;                 // [B, 4, T, T]
 */
export class CausalSelfAttention extends Module {
  /** Fused query, key, value projection: weight (3·nEmbd, nEmbd), rows in that order. */
  cAttn: Linear;
  /** Output projection back into the residual stream: weight (nEmbd, nEmbd). */
  cProj: Linear;
  attnDropout: Dropout;
  residDropout: Dropout;
  readonly nEmbd: number;
  readonly nHead: number;
  readonly headSize: number;
  readonly blockSize: number;
  /** Attention weights (B, nHead, T, Tk) of the last forward that asked for them, before dropout. */
  lastAttention: Tensor | null = null;

  constructor(config: AttentionConfig, opts: { rng: Rng }) {
    super();
    const { nEmbd, nHead, blockSize, dropout, bias, nLayer } = config;
    for (const [name, value] of Object.entries({ nEmbd, nHead, blockSize, nLayer })) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`CausalSelfAttention: ${name} must be a positive integer, got ${value}`);
      }
    }
    if (nEmbd % nHead !== 0) {
      throw new RangeError(`CausalSelfAttention: nEmbd ${nEmbd} is not divisible by nHead ${nHead}`);
    }
    const { rng } = opts;
    this.cAttn = new Linear(nEmbd, 3 * nEmbd, { bias, rng, std: 0.02 });
    this.cProj = new Linear(nEmbd, nEmbd, { bias, rng, std: 0.02 / Math.sqrt(2 * nLayer) });
    this.attnDropout = new Dropout(dropout, rng);
    this.residDropout = new Dropout(dropout, rng);
    this.nEmbd = nEmbd;
    this.nHead = nHead;
    this.headSize = nEmbd / nHead;
    this.blockSize = blockSize;
  }

  /**
   * (B, T, C) → (B, T, C). With `cache`, x holds only the T new positions: their keys and values
   * are appended to the cache and they attend over all cached positions. With `returnAttention`,
   * the weights are kept in {@link lastAttention}; otherwise it is set to null.
   * @throws RangeError when the cached plus new positions would exceed blockSize.
   */
  forward(x: Tensor, opts: { cache?: KvCache; returnAttention?: boolean } = {}): Tensor {
    const [B, T, C] = x.shape as [number, number, number]; // checked just below
    if (x.ndim !== 3 || C !== this.nEmbd) {
      throw new Error(`CausalSelfAttention: expected x of shape (B, T, ${this.nEmbd}), got (${x.shape.join(', ')})`);
    }
    const { cache } = opts;
    const past = cache?.length ?? 0;
    if (past + T > this.blockSize) {
      throw new RangeError(
        `CausalSelfAttention: ${past ? `${past} cached + ` : ''}${T} new positions exceed blockSize ${this.blockSize}; ` +
          `crop the context${past ? ' and reset the cache' : ''}`,
      );
    }
    const nh = this.nHead;
    const hs = this.headSize;
    const qkv = this.cAttn.forward(x); // (B, T, 3C)
    const scale = 1 / Math.sqrt(hs);
    if (!cache) {
      // Without a cache every head's queries, keys and values are read where they lie in qkv, and the
      // heads' outputs written side by side: the bits of the split-out heads below, without their copies.
      let att = causalSoftmax(attentionScores(qkv, nh), scale); // (B, nh, T, T)
      this.lastAttention = opts.returnAttention ? att.detach() : null;
      att = this.attnDropout.forward(att);
      return this.residDropout.forward(this.cProj.forward(attentionValues(att, qkv, nh))); // (B, T, C)
    }
    // With a cache the new keys and values join those of earlier positions, so the heads are split out.
    const q = qkv.slice(2, 0, C).reshape([B, T, nh, hs]).transpose(1, 2); // (B, nh, T, hs)
    let k = qkv
      .slice(2, C, 2 * C)
      .reshape([B, T, nh, hs])
      .transpose(1, 2); // (B, nh, T, hs)
    let v = qkv
      .slice(2, 2 * C, 3 * C)
      .reshape([B, T, nh, hs])
      .transpose(1, 2); // (B, nh, T, hs)
    ({ keys: k, values: v } = cache.append(k, v)); // (B, nh, Tk, hs), Tk = past + T

    // kᵀ is a flag to the matmul kernel, not a copy; the B·nh products are one batched call. `causal`
    // computes only the scores the mask keeps (query i, keys up to Tk − T + i) and leaves the rest 0:
    // about half the multiply-adds when T = Tk.
    const scores = matmul(q, k, { transB: true, causal: 'output' }); // (B, nh, T, hs)·(B, nh, Tk, hs)ᵀ → (B, nh, T, Tk)
    // Scale, causal mask (query i sees keys up to Tk − T + i) and softmax in one kernel: the same
    // bits as scores.mul(1/√hs).maskedFill(causalMask(T, Tk), −∞).softmax(-1) on the js backend.
    let att = causalSoftmax(scores, scale);
    this.lastAttention = opts.returnAttention ? att.detach() : null;
    att = this.attnDropout.forward(att);
    const y = att
      .matmul(v, { causal: 'left' }) // (B, nh, T, Tk)·(B, nh, Tk, hs) → (B, nh, T, hs): row i sums keys ≤ Tk − T + i
      .transpose(1, 2) // (B, T, nh, hs)
      .reshape([B, T, C]); // (B, T, C): the heads side by side
    return this.residDropout.forward(this.cProj.forward(y)); // (B, T, C)
  }
}

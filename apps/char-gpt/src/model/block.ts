// One transformer block of GPT-2 / nanoGPT: pre-LayerNorm attention and MLP, each added to the residual stream.
import { LayerNorm, Module } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';
import { CausalSelfAttention } from '@tinygpt/attention';
import type { KvCache } from '@tinygpt/attention';
import { FeedForward } from '@tinygpt/mlp';
import type { GptConfig } from '../config.js';

/**
 * `x + attn(ln1(x))`, then `x + mlp(ln2(x))` (nanoGPT's `Block`). The LayerNorms sit before each
 * sub-layer (GPT-2's "pre-LN"), so the residual stream itself is never normalised and gradients
 * flow straight through the additions.
 *
 * @example
 * const block = new Block({ vocabSize: 65, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: false }, { rng });
 * block.forward(x).shape; // x (B, T, 16) → [B, T, 16]
 */
export class Block extends Module {
  /** LayerNorm before attention (nanoGPT `ln_1`). */
  ln1: LayerNorm;
  attn: CausalSelfAttention;
  /** LayerNorm before the MLP (nanoGPT `ln_2`). */
  ln2: LayerNorm;
  mlp: FeedForward;

  constructor(config: GptConfig, opts: { rng: Rng }) {
    super();
    this.ln1 = new LayerNorm(config.nEmbd, { bias: config.bias });
    this.attn = new CausalSelfAttention(config, opts);
    this.ln2 = new LayerNorm(config.nEmbd, { bias: config.bias });
    this.mlp = new FeedForward(config, { rng: opts.rng, gelu: config.gelu ?? 'none' });
  }

  /**
   * (B, T, C) → (B, T, C); with `cache`, x holds only the new positions (see KvCache). With
   * `returnAttention`, the attention weights (B, nHead, T, T) are kept in `attn.lastAttention`.
   */
  forward(x: Tensor, opts: { cache?: KvCache; returnAttention?: boolean } = {}): Tensor {
    x = x.add(this.attn.forward(this.ln1.forward(x), opts)); // (B, T, C)
    return x.add(this.mlp.forward(this.ln2.forward(x))); // (B, T, C)
  }
}

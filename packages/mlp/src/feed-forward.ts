// The transformer's position-wise feed-forward block (GPT-2's `mlp`), as nanoGPT's MLP: cFc → GELU → cProj → dropout.
import { Dropout, Linear, Module } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';

/** The config fields a {@link FeedForward} reads (the GPT config has them all). */
export interface FeedForwardConfig {
  /** Width of the residual stream (C); the hidden layer is 4·C wide. */
  nEmbd: number;
  /** Dropout probability on the output. */
  dropout: number;
  /** Whether cFc and cProj have biases (GPT-2: true). */
  bias: boolean;
  /** Number of transformer blocks; scales cProj's initialisation. */
  nLayer: number;
}

/** Which GELU: 'none' = exact x·Φ(x) with erf (PyTorch's nn.GELU() default), 'tanh' = GPT-2's tanh approximation. */
export type GeluApproximation = 'none' | 'tanh';

/**
 * Applied to every position on its own: widen to 4·C, GELU, project back to C, dropout.
 *
 * Initialisation as GPT-2 / nanoGPT: weights normal(0, 0.02), cProj (a residual projection)
 * normal(0, 0.02 / sqrt(2·nLayer)), biases zero. Parameters: 8·C² + 5·C with bias, 8·C² without.
 *
 * @example
 * const mlp = new FeedForward({ nEmbd: 32, dropout: 0, bias: true, nLayer: 2 }, { rng });
 * mlp.forward(x).shape; // x (B, T, 32) → [B, T, 32]
 */
export class FeedForward extends Module {
  /** Expansion: weight (4·nEmbd, nEmbd). */
  cFc: Linear;
  /** Projection back into the residual stream: weight (nEmbd, 4·nEmbd). */
  cProj: Linear;
  dropout: Dropout;
  readonly nEmbd: number;
  readonly gelu: GeluApproximation;

  constructor(config: FeedForwardConfig, opts: { rng: Rng; gelu?: GeluApproximation }) {
    super();
    const { nEmbd, dropout, bias, nLayer } = config;
    for (const [name, value] of Object.entries({ nEmbd, nLayer })) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`FeedForward: ${name} must be a positive integer, got ${value}`);
      }
    }
    const gelu = opts.gelu ?? 'none';
    if (gelu !== 'none' && gelu !== 'tanh') {
      throw new Error(`FeedForward: gelu must be 'none' (exact) or 'tanh', got '${String(gelu)}'`);
    }
    const { rng } = opts;
    this.cFc = new Linear(nEmbd, 4 * nEmbd, { bias, rng, std: 0.02 });
    this.cProj = new Linear(4 * nEmbd, nEmbd, { bias, rng, std: 0.02 / Math.sqrt(2 * nLayer) });
    this.dropout = new Dropout(dropout, rng);
    this.nEmbd = nEmbd;
    this.gelu = gelu;
  }

  /** (B, T, C) → (B, T, C). */
  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape;
    if (x.ndim !== 3) throw new Error(`FeedForward: expected x of shape (B, T, C), got (${x.shape.join(', ')})`);
    if (C !== this.nEmbd) throw new Error(`FeedForward: x is (${B}, ${T}, ${C}) but nEmbd is ${this.nEmbd}`);
    const h = this.cFc.forward(x).gelu(this.gelu); // (B, T, 4C)
    return this.dropout.forward(this.cProj.forward(h)); // (B, T, C)
  }
}

// Token embedding, GPT-2's `wte`: one learned nEmbd-vector per token id (nn.Embedding in nanoGPT's model.py).
import { Module, indexSelect, randn } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';
import { positiveInt } from './check.js';

/** The config fields a {@link TokenEmbedding} reads (the GPT config has them all). */
export interface TokenEmbeddingConfig {
  /** Number of distinct token ids. */
  vocabSize: number;
  /** Width of each embedding vector (C). */
  nEmbd: number;
}

/**
 * Looks up a learned vector for every token id: `wte.weight[id]`.
 *
 * Weight (vocabSize, nEmbd), initialised normal(0, 0.02) as GPT-2. The backward scatter-adds into
 * the rows that were read, so a token used twice gets both gradients.
 *
 * @example
 * const wte = new TokenEmbedding({ vocabSize: 65, nEmbd: 32 }, { rng: new Rng(1337) });
 * const x = wte.forward(Int32Array.of(5, 1, 7, 7), [2, 2]); // (2, 2, 32)
 */
export class TokenEmbedding extends Module {
  /** (vocabSize, nEmbd): row i is the vector of token i. */
  weight: Tensor;
  readonly vocabSize: number;
  readonly nEmbd: number;

  constructor(config: TokenEmbeddingConfig, opts: { rng: Rng }) {
    super();
    this.vocabSize = positiveInt(config.vocabSize, 'vocabSize', 'TokenEmbedding');
    this.nEmbd = positiveInt(config.nEmbd, 'nEmbd', 'TokenEmbedding');
    this.weight = randn([this.vocabSize, this.nEmbd], opts.rng, { std: 0.02, requiresGrad: true });
  }

  /**
   * Embeds a (B, T) batch of token ids, given row-major in `ids`.
   * @returns (B, T, nEmbd)
   * @throws RangeError naming the id and its (b, t) position when an id is outside [0, vocabSize).
   */
  forward(ids: Int32Array, shape: readonly [B: number, T: number]): Tensor {
    const [B, T] = shape;
    if (!Number.isInteger(B) || !Number.isInteger(T) || B < 1 || T < 1 || ids.length !== B * T) {
      throw new RangeError(`TokenEmbedding: ${ids.length} ids do not fill shape (${B}, ${T})`);
    }
    const V = this.vocabSize;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= V) {
        const where = `(b=${Math.floor(i / T)}, t=${i % T})`;
        throw new RangeError(`TokenEmbedding: token id ${id} at position ${where} is outside the vocabulary [0, ${V})`);
      }
    }
    return indexSelect(this.weight, ids, [B, T]); // (B, T, nEmbd)
  }
}

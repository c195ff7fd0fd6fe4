// The language-model head, GPT-2's `lm_head`: a linear map from nEmbd-vectors to one logit per token.
import { Module, linear, randn } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';
import { positiveInt } from './check.js';
import type { TokenEmbedding, TokenEmbeddingConfig } from './token-embedding.js';

/**
 * Logits = x · Wᵀ with W (vocabSize, nEmbd) and no bias, as GPT-2's `lm_head`.
 *
 * With `tiedTo`, W is the token embedding's weight — the very same Tensor object, so one set of
 * numbers both reads tokens in and scores them out (weight tying, Press & Wolf 2017, as GPT-2 and
 * nanoGPT do). A tied head consumes no randomness and adds no parameters; its gradient accumulates
 * into the shared tensor alongside the embedding's. Untied, W is initialised normal(0, 0.02).
 *
 * @example
 * const wte = new TokenEmbedding({ vocabSize: 65, nEmbd: 32 }, { rng });
 * const lmHead = new Unembedding({ vocabSize: 65, nEmbd: 32 }, { rng, tiedTo: wte });
 * lmHead.forward(wte.forward(ids, [B, T])).shape; // [B, T, 65]
 */
export class Unembedding extends Module {
  /** (vocabSize, nEmbd); the same Tensor as `tiedTo.weight` when tied. */
  weight: Tensor;
  /** Whether `weight` is shared with a {@link TokenEmbedding}. */
  readonly tied: boolean;
  readonly vocabSize: number;
  readonly nEmbd: number;

  constructor(config: TokenEmbeddingConfig, opts: { rng: Rng; tiedTo?: TokenEmbedding }) {
    super();
    this.vocabSize = positiveInt(config.vocabSize, 'vocabSize', 'Unembedding');
    this.nEmbd = positiveInt(config.nEmbd, 'nEmbd', 'Unembedding');
    const { tiedTo } = opts;
    if (tiedTo) {
      const [V, C] = tiedTo.weight.shape;
      if (V !== this.vocabSize || C !== this.nEmbd) {
        throw new Error(
          `Unembedding: cannot tie a (${this.vocabSize}, ${this.nEmbd}) head to a token embedding of shape (${V}, ${C})`,
        );
      }
      this.weight = tiedTo.weight;
    } else {
      this.weight = randn([this.vocabSize, this.nEmbd], opts.rng, { std: 0.02, requiresGrad: true });
    }
    this.tied = tiedTo !== undefined;
  }

  /**
   * Scores every vocabulary entry at every position.
   * @param x (B, T, nEmbd)
   * @returns logits (B, T, vocabSize)
   */
  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape;
    if (x.ndim !== 3) throw new Error(`Unembedding: expected x of shape (B, T, C), got (${x.shape.join(', ')})`);
    if (C !== this.nEmbd) throw new Error(`Unembedding: x is (${B}, ${T}, ${C}) but nEmbd is ${this.nEmbd}`);
    return linear(x, this.weight); // (B, T, vocabSize)
  }
}

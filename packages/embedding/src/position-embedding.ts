// Learned absolute position embedding, GPT-2's `wpe`: one nEmbd-vector per position 0..blockSize-1.
import { Module, randn } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';
import { positiveInt } from './check.js';

/** The config fields a {@link PositionEmbedding} reads (the GPT config has them all). */
export interface PositionEmbeddingConfig {
  /** Longest context: positions run 0..blockSize-1. */
  blockSize: number;
  /** Width of each embedding vector (C). */
  nEmbd: number;
}

/**
 * The vectors of positions `offset .. offset+T-1`, added to the token embeddings so the model
 * knows where each token sits. Weight (blockSize, nEmbd), initialised normal(0, 0.02) as GPT-2.
 *
 * `offset` is the number of positions already processed; with a KV cache it is `cache.length`.
 *
 * @example
 * const wpe = new PositionEmbedding({ blockSize: 8, nEmbd: 32 }, { rng: new Rng(1337) });
 * wpe.forward(3).shape;    // [3, 32]: positions 0, 1, 2
 * wpe.forward(1, 5).shape; // [1, 32]: position 5
 */
export class PositionEmbedding extends Module {
  /** (blockSize, nEmbd): row t is the vector of position t. */
  weight: Tensor;
  readonly blockSize: number;
  readonly nEmbd: number;

  constructor(config: PositionEmbeddingConfig, opts: { rng: Rng }) {
    super();
    this.blockSize = positiveInt(config.blockSize, 'blockSize', 'PositionEmbedding');
    this.nEmbd = positiveInt(config.nEmbd, 'nEmbd', 'PositionEmbedding');
    this.weight = randn([this.blockSize, this.nEmbd], opts.rng, { std: 0.02, requiresGrad: true });
  }

  /**
   * Position vectors for `T` consecutive positions starting at `offset`.
   * @returns (T, nEmbd), which broadcasts against (B, T, nEmbd) token embeddings.
   * @throws RangeError when a position would reach blockSize (crop the context to the last blockSize tokens).
   */
  forward(T: number, offset = 0): Tensor {
    positiveInt(T, 'T', 'PositionEmbedding');
    if (!Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`PositionEmbedding: offset must be a non-negative integer, got ${offset}`);
    }
    if (offset + T > this.blockSize) {
      throw new RangeError(
        `PositionEmbedding: position ${offset + T - 1} is beyond blockSize ${this.blockSize} ` +
          `(positions 0..${this.blockSize - 1}); crop the context to the last ${this.blockSize} tokens`,
      );
    }
    return this.weight.slice(0, offset, offset + T); // (T, nEmbd)
  }
}

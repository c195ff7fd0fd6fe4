// The GPT language model of nanoGPT's model.py (GPT-2, Radford et al. 2019): embeddings, pre-LN blocks, final LayerNorm, tied lm head.
import { Dropout, LayerNorm, Module, Rng, crossEntropy } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { KvCache } from '@tinygpt/attention';
import { PositionEmbedding, TokenEmbedding, Unembedding } from '@tinygpt/embedding';
import type { GptConfig } from '../config.js';
import { Block } from './block.js';

/** nanoGPT's `transformer` ModuleDict: everything between token ids and the lm head. */
export class GptTransformer extends Module {
  /** Token embedding (vocabSize, nEmbd). */
  wte: TokenEmbedding;
  /** Position embedding (blockSize, nEmbd). */
  wpe: PositionEmbedding;
  /** Dropout on the summed embeddings. */
  drop: Dropout;
  /** The nLayer transformer blocks. */
  h: Block[];
  /** Final LayerNorm (nanoGPT `ln_f`). */
  lnF: LayerNorm;

  constructor(config: GptConfig, opts: { rng: Rng }) {
    super();
    this.wte = new TokenEmbedding(config, opts);
    this.wpe = new PositionEmbedding(config, opts);
    this.drop = new Dropout(config.dropout, opts.rng);
    this.h = Array.from({ length: config.nLayer }, () => new Block(config, opts));
    this.lnF = new LayerNorm(config.nEmbd, { bias: config.bias });
  }
}

/** What {@link Gpt.forward} returns. */
export interface GptOutput {
  /** (B, T, vocabSize), or (B, 1, vocabSize) with `lastOnly`. */
  logits: Tensor;
  /** Mean next-token cross-entropy over all B·T targets (a scalar), or null without targets. */
  loss: Tensor | null;
}

/**
 * A decoder-only transformer over token ids. Parameter names follow GPT-2 / nanoGPT
 * (`transformer.h.0.attn.cAttn.weight` ↔ `transformer.h.0.attn.c_attn.weight`), and `lmHead`
 * shares its weight with `transformer.wte` (weight tying), so the parameters list it once.
 *
 * @example
 * const config = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: false };
 * const model = new Gpt(config, { rng: new Rng(1337) });
 * const { logits, loss } = model.forward(x, [12, 64], { targets: y }); // logits (12, 64, 65); loss ≈ ln 65 at init
 */
export class Gpt extends Module {
  transformer: GptTransformer;
  /** The unembedding, tied to `transformer.wte.weight`. */
  lmHead: Unembedding;
  readonly config: Readonly<GptConfig>;

  constructor(config: GptConfig, opts: { rng: Rng }) {
    super();
    // The GELU is always recorded, so a checkpoint's model args say which one the weights need.
    this.config = Object.freeze({ ...config, gelu: config.gelu ?? 'none' });
    this.transformer = new GptTransformer(this.config, opts);
    this.lmHead = new Unembedding(config, { rng: opts.rng, tiedTo: this.transformer.wte });
  }

  /**
   * Logits for every position of a (B, T) batch of ids (row-major), and the loss when `targets`
   * (B·T ids, -1 = ignore) are given. With `caches` (one KvCache per block), `ids` are only the
   * new positions and continue the cached ones; with `lastOnly`, only the last position is scored
   * (generation needs nothing else); with `returnAttention`, each block keeps its attention weights
   * (B, nHead, T, T) in `transformer.h[i].attn.lastAttention` (the playground draws them).
   * @throws RangeError when the positions would pass blockSize.
   */
  forward(
    ids: Int32Array,
    shape: readonly [B: number, T: number],
    opts: { targets?: Int32Array; caches?: readonly KvCache[]; lastOnly?: boolean; returnAttention?: boolean } = {},
  ): GptOutput {
    const [B, T] = shape;
    const { caches, targets } = opts;
    const { transformer } = this;
    if (caches && caches.length !== transformer.h.length) {
      throw new Error(`Gpt: expected ${transformer.h.length} KV caches (one per block), got ${caches.length}`);
    }
    const offset = caches?.[0]?.length ?? 0;
    const tokEmb = transformer.wte.forward(ids, [B, T]); // (B, T, C)
    const posEmb = transformer.wpe.forward(T, offset); // (T, C), broadcast over B
    let x = transformer.drop.forward(tokEmb.add(posEmb)); // (B, T, C)
    transformer.h.forEach((block, i) => {
      x = block.forward(x, { cache: caches?.[i], returnAttention: opts.returnAttention }); // (B, T, C)
    });
    x = transformer.lnF.forward(x); // (B, T, C)
    if (opts.lastOnly) x = x.slice(1, T - 1, T); // (B, 1, C)
    const logits = this.lmHead.forward(x); // (B, T, V)
    if (!targets) return { logits, loss: null };
    if (opts.lastOnly) throw new Error('Gpt: targets need logits at every position; do not pass lastOnly');
    if (targets.length !== B * T) throw new Error(`Gpt: ${targets.length} targets for a (${B}, ${T}) batch`);
    const V = this.config.vocabSize;
    return { logits, loss: crossEntropy(logits.reshape([B * T, V]), targets, { ignoreIndex: -1 }) }; // (B·T, V) → scalar
  }

  /** One empty KV cache per block, for generation. */
  newCaches(): KvCache[] {
    return this.transformer.h.map(() => new KvCache());
  }

  /**
   * Number of parameters, counted once each (the tied head adds none). Like nanoGPT's
   * `get_num_params`, position embeddings are left out unless `nonEmbedding` is false.
   */
  numParams(nonEmbedding = true): number {
    const total = this.parameters().reduce((n, p) => n + p.size, 0);
    return nonEmbedding ? total - this.transformer.wpe.weight.size : total;
  }
}

/** An Rng whose normal draws are all 0: see {@link weightsToLoad}. */
class ZeroNormalRng extends Rng {
  override normal(): number {
    return 0;
  }
}

/**
 * The `rng` for a Gpt whose weights are loaded right after construction: its initial weights are
 * zeros instead of 800 thousand normal draws (a fifth of `pnpm generate`'s start-up for the baby
 * model), while uniform draws (dropout) stay random.
 *
 * @example
 * const model = new Gpt(config, { rng: weightsToLoad() });
 * model.loadStateDict(weights);
 */
export function weightsToLoad(): Rng {
  return new ZeroNormalRng(0);
}

// Tests of the KV cache: incremental attention and whole-model logits equal the full forward, and its limits.
import { describe, expect, it } from 'vitest';
import { LayerNorm, Linear, Module, Rng, concat, indexSelect, linear, noGrad, randn } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { CausalSelfAttention } from './causal-self-attention.js';
import type { AttentionConfig } from './causal-self-attention.js';
import { KvCache } from './kv-cache.js';

const config = { vocabSize: 13, blockSize: 8, nLayer: 2, nHead: 4, nEmbd: 16, dropout: 0, bias: true };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Positions [start, end) of a (B, T, ...) tensor. */
const positions = (x: Tensor, start: number, end: number) => x.slice(1, start, end);

class Block extends Module {
  ln1: LayerNorm;
  attn: CausalSelfAttention;
  ln2: LayerNorm;
  cFc: Linear;
  cProj: Linear;
  constructor(c: AttentionConfig, rng: Rng) {
    super();
    this.ln1 = new LayerNorm(c.nEmbd);
    this.attn = new CausalSelfAttention(c, { rng });
    this.ln2 = new LayerNorm(c.nEmbd);
    this.cFc = new Linear(c.nEmbd, 4 * c.nEmbd, { rng });
    this.cProj = new Linear(4 * c.nEmbd, c.nEmbd, { rng });
  }
  forward(x: Tensor, cache?: KvCache): Tensor {
    const a = x.add(this.attn.forward(this.ln1.forward(x), { cache }));
    return a.add(this.cProj.forward(this.cFc.forward(this.ln2.forward(a)).gelu()));
  }
}

/** A complete small GPT (tied embeddings, pre-norm blocks), enough to compare logits. */
class TinyGpt extends Module {
  wte: Tensor;
  wpe: Tensor;
  h: Block[];
  lnF: LayerNorm;
  constructor(rng: Rng) {
    super();
    this.wte = randn([config.vocabSize, config.nEmbd], rng, { std: 0.5, requiresGrad: true });
    this.wpe = randn([config.blockSize, config.nEmbd], rng, { std: 0.5, requiresGrad: true });
    this.h = Array.from({ length: config.nLayer }, () => new Block(config, rng));
    this.lnF = new LayerNorm(config.nEmbd);
  }
  forward(ids: Int32Array, B: number, T: number, caches?: KvCache[]): Tensor {
    const past = caches?.[0]!.length ?? 0;
    let x = indexSelect(this.wte, ids, [B, T]).add(this.wpe.slice(0, past, past + T)); // (B, T, C)
    this.h.forEach((block, i) => (x = block.forward(x, caches?.[i])));
    return linear(this.lnF.forward(x), this.wte); // (B, T, vocabSize)
  }
}

/** Column t of a row-major (B, T) id batch. */
const column = (ids: Int32Array, B: number, T: number, t: number) =>
  Int32Array.from({ length: B }, (_, b) => ids[b * T + t]!);

describe('KvCache', () => {
  it('gives the attention layer the same outputs token by token as over the whole sequence', () => {
    const attn = new CausalSelfAttention(config, { rng: new Rng(1) });
    const x = randn([2, 8, 16], new Rng(2));
    noGrad(() => {
      const full = attn.forward(x, { returnAttention: true });
      const fullAtt = attn.lastAttention!;
      const cache = new KvCache();
      for (let t = 0; t < 8; t++) {
        const y = attn.forward(positions(x, t, t + 1), { cache, returnAttention: true });
        expect(cache.length).toBe(t + 1);
        expect(cache.keys?.shape).toEqual([2, 4, t + 1, 4]);
        expect(y.shape).toEqual([2, 1, 16]);
        expect(maxAbsDiff(y.data, positions(full, t, t + 1).data)).toBeLessThan(1e-5);
        // The weights of the new query are row t of the full attention map.
        expect(attn.lastAttention!.shape).toEqual([2, 4, 1, t + 1]);
        expect(maxAbsDiff(attn.lastAttention!.data, fullAtt.slice(2, t, t + 1).slice(3, 0, t + 1).data)).toBeLessThan(
          1e-6,
        );
      }
    });
  });

  it('handles a chunked prefill: the causal mask accounts for the cached positions', () => {
    const attn = new CausalSelfAttention(config, { rng: new Rng(3) });
    const x = randn([1, 8, 16], new Rng(4));
    noGrad(() => {
      const full = attn.forward(x);
      const cache = new KvCache();
      const parts = [
        attn.forward(positions(x, 0, 3), { cache }),
        attn.forward(positions(x, 3, 7), { cache }),
        attn.forward(positions(x, 7, 8), { cache }),
      ];
      expect(maxAbsDiff(concat(parts, 1).data, full.data)).toBeLessThan(1e-5);
    });
  });

  it('gives a whole GPT the same logits at every position, computed incrementally, as the full forward', () => {
    const model = new TinyGpt(new Rng(1337));
    const rng = new Rng(5);
    const [B, T] = [2, config.blockSize];
    const ids = Int32Array.from({ length: B * T }, () => rng.int(config.vocabSize));
    noGrad(() => {
      const full = model.forward(ids, B, T);
      const caches = model.h.map(() => new KvCache());
      for (let t = 0; t < T; t++) {
        const logits = model.forward(column(ids, B, T, t), B, 1, caches); // (B, 1, vocabSize)
        expect(maxAbsDiff(logits.data, positions(full, t, t + 1).data)).toBeLessThan(1e-5);
      }
    });
  });

  it('generates the same tokens with the same logits as re-running the whole context', () => {
    const model = new TinyGpt(new Rng(7));
    const argmax = (v: Float32Array) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);
    noGrad(() => {
      const uncached = [3, 1];
      const cached = [3, 1];
      const caches = model.h.map(() => new KvCache());
      let next = model.forward(Int32Array.from(cached), 1, 2, caches).slice(1, 1, 2); // prefill the prompt
      while (cached.length < config.blockSize) {
        const T = uncached.length;
        const ref = model.forward(Int32Array.from(uncached), 1, T).slice(1, T - 1, T); // (1, 1, vocabSize)
        expect(maxAbsDiff(next.data, ref.data)).toBeLessThan(1e-5);
        uncached.push(argmax(ref.data));
        cached.push(argmax(next.data));
        if (cached.length < config.blockSize) next = model.forward(Int32Array.of(cached.at(-1)!), 1, 1, caches);
      }
      expect(cached).toEqual(uncached);
      expect(new Set(cached).size).toBeGreaterThan(1);
    });
  });

  it('lets gradients flow through cached keys and values like through the full forward', () => {
    const attn = new CausalSelfAttention(config, { rng: new Rng(8) });
    const x = randn([1, 5, 16], new Rng(9));
    const w = randn([1, 5, 16], new Rng(10));
    attn.forward(x).mul(w).sum().backward();
    const fullGrad = Array.from(attn.cAttn.weight.grad!);
    attn.zeroGrad();
    const cache = new KvCache();
    const y = concat([attn.forward(positions(x, 0, 2), { cache }), attn.forward(positions(x, 2, 5), { cache })], 1);
    y.mul(w).sum().backward();
    expect(maxAbsDiff(attn.cAttn.weight.grad!, fullGrad)).toBeLessThan(1e-6);
  });

  it('refuses to grow beyond blockSize, leaving the cache as it was; reset empties it', () => {
    const attn = new CausalSelfAttention(config, { rng: new Rng(11) });
    const x = randn([1, 8, 16], new Rng(12));
    const cache = new KvCache();
    noGrad(() => attn.forward(positions(x, 0, 6), { cache }));
    expect(() => noGrad(() => attn.forward(positions(x, 0, 3), { cache }))).toThrow(
      'CausalSelfAttention: 6 cached + 3 new positions exceed blockSize 8; crop the context and reset the cache',
    );
    expect(cache.length).toBe(6);
    noGrad(() => attn.forward(positions(x, 6, 8), { cache }));
    expect(cache.length).toBe(8);
    cache.reset();
    expect(cache.length).toBe(0);
    expect(cache.keys).toBeNull();
    const again = noGrad(() => attn.forward(positions(x, 0, 1), { cache }));
    expect(maxAbsDiff(again.data, noGrad(() => attn.forward(positions(x, 0, 1))).data)).toBe(0);
  });

  it('rejects new positions whose batch size differs from the cached ones', () => {
    const attn = new CausalSelfAttention(config, { rng: new Rng(13) });
    const cache = new KvCache();
    noGrad(() => attn.forward(randn([2, 1, 16], new Rng(1)), { cache }));
    expect(() => noGrad(() => attn.forward(randn([1, 1, 16], new Rng(1)), { cache }))).toThrow(
      'KvCache: new keys (1, 4, 1, 4) do not match the cached (2, 4, 1, 4) in B, nHead or headSize',
    );
  });
});

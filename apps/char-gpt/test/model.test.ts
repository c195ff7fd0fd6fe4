// Sanity checks of the Gpt model: nanoGPT's names and parameter count, initial loss, causality, overfitting, KV-cache generation.
import { AdamW, Rng, noGrad } from '@tinygpt/autograd';
import { sampleNext } from '@tinygpt/sampler';
import { describe, expect, it } from 'vitest';
import { toNanoGptName } from '../src/checkpoint/names.js';
import { generate } from '../src/generate.js';
import { Gpt } from '../src/model/gpt.js';
import { tinyModel } from './helpers.js';

function randomIds(n: number, vocabSize: number, rng: Rng): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(vocabSize));
}

describe('Gpt', () => {
  it("has exactly nanoGPT's state-dict names (bias=True), lm_head tied to wte", () => {
    const model = new Gpt({ ...tinyModel, nLayer: 1 }, { rng: new Rng(1) });
    const names = model.namedParameters().map(([n]) => toNanoGptName(n));
    expect(names).toEqual([
      'transformer.wte.weight',
      'transformer.wpe.weight',
      'transformer.h.0.ln_1.weight',
      'transformer.h.0.ln_1.bias',
      'transformer.h.0.attn.c_attn.weight',
      'transformer.h.0.attn.c_attn.bias',
      'transformer.h.0.attn.c_proj.weight',
      'transformer.h.0.attn.c_proj.bias',
      'transformer.h.0.ln_2.weight',
      'transformer.h.0.ln_2.bias',
      'transformer.h.0.mlp.c_fc.weight',
      'transformer.h.0.mlp.c_fc.bias',
      'transformer.h.0.mlp.c_proj.weight',
      'transformer.h.0.mlp.c_proj.bias',
      'transformer.ln_f.weight',
      'transformer.ln_f.bias',
    ]);
    expect(model.lmHead.weight).toBe(model.transformer.wte.weight);
  });

  it("counts 0.80M parameters for nanoGPT's baby config, as nanoGPT prints", () => {
    const model = new Gpt(
      { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: false },
      { rng: new Rng(1) },
    );
    // 4 blocks × (12·128² + 2·128) + ln_f 128 + wte 65·128 (wpe left out, as get_num_params does)
    expect(model.numParams()).toBe(795_904);
    expect(model.numParams(false)).toBe(795_904 + 64 * 128);
  });

  it('starts at a loss of about ln(vocabSize)', () => {
    const rng = new Rng(1337);
    const config = { ...tinyModel, vocabSize: 65 };
    const model = new Gpt(config, { rng });
    const [B, T] = [4, 8];
    const { loss } = model.forward(randomIds(B * T, 65, rng), [B, T], { targets: randomIds(B * T, 65, rng) });
    expect(Math.abs(loss!.item() - Math.log(65))).toBeLessThan(0.1);
  });

  it('is causal: changing token t+1 never changes the logits at positions ≤ t', () => {
    const rng = new Rng(7);
    const model = new Gpt(tinyModel, { rng });
    const T = tinyModel.blockSize;
    const ids = randomIds(T, tinyModel.vocabSize, rng);
    const before = noGrad(() => model.forward(ids, [1, T]).logits.toArray());
    for (const t of [0, 3, T - 2]) {
      const changed = ids.slice();
      changed[t + 1] = (changed[t + 1]! + 1) % tinyModel.vocabSize;
      const after = noGrad(() => model.forward(changed, [1, T]).logits.toArray());
      const V = tinyModel.vocabSize;
      expect(after.slice(0, (t + 1) * V)).toEqual(before.slice(0, (t + 1) * V));
      expect(after.slice((t + 1) * V)).not.toEqual(before.slice((t + 1) * V));
    }
  });

  it("keeps every block's attention weights with returnAttention, and the same logits", () => {
    const model = new Gpt(tinyModel, { rng: new Rng(5) });
    model.eval();
    const T = tinyModel.blockSize;
    const ids = randomIds(T, tinyModel.vocabSize, new Rng(6));
    const plain = noGrad(() => model.forward(ids, [1, T]).logits.toArray());
    expect(model.transformer.h.map((block) => block.attn.lastAttention)).toEqual([null, null]);
    const logits = noGrad(() => model.forward(ids, [1, T], { returnAttention: true }).logits.toArray());
    expect(logits).toEqual(plain);
    const maps = model.transformer.h.map((block) => block.attn.lastAttention!);
    expect(maps.map((m) => m.shape)).toEqual([
      [1, tinyModel.nHead, T, T],
      [1, tinyModel.nHead, T, T],
    ]);
    const first = maps[0]!.toArray();
    for (let row = 0; row < tinyModel.nHead * T; row++) {
      const t = row % T; // query position: weights on keys 0..t sum to 1, later keys get 0
      const weights = first.slice(row * T, (row + 1) * T);
      expect(weights.slice(0, t + 1).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(weights.slice(t + 1).every((w) => w === 0)).toBe(true);
    }
    const { wte, wpe } = model.transformer;
    const block0 = model.transformer.h[0]!;
    noGrad(() =>
      block0.attn.forward(block0.ln1.forward(wte.forward(ids, [1, T]).add(wpe.forward(T, 0))), {
        returnAttention: true,
      }),
    );
    expect(block0.attn.lastAttention!.toArray()).toEqual(first); // block 0's maps are its attention over the embeddings
  });

  it('same seed ⇒ the same weights, bit for bit', () => {
    const a = new Gpt(tinyModel, { rng: new Rng(42) }).parameters().map((p) => p.toArray());
    const b = new Gpt(tinyModel, { rng: new Rng(42) }).parameters().map((p) => p.toArray());
    expect(a).toEqual(b);
  });

  it('overfits one batch to a loss below 0.1', () => {
    const rng = new Rng(3);
    const model = new Gpt(tinyModel, { rng });
    const [B, T] = [2, 8];
    const x = randomIds(B * T, tinyModel.vocabSize, rng);
    const y = randomIds(B * T, tinyModel.vocabSize, rng);
    const optimizer = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0 });
    let loss = Infinity;
    for (let step = 0; step < 300 && loss >= 0.1; step++) {
      const out = model.forward(x, [B, T], { targets: y }).loss!;
      loss = out.item();
      out.backward();
      optimizer.step();
      optimizer.zeroGrad();
    }
    expect(loss).toBeLessThan(0.1);
  });
});

/** nanoGPT's generate(): each step re-runs the last blockSize tokens from scratch and samples the last position. */
function generateUncached(model: Gpt, prompt: Int32Array, n: number, temperature: number, rng: Rng): Int32Array {
  const context = Array.from(prompt);
  const { blockSize } = model.config;
  model.eval();
  return noGrad(() => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const window = Int32Array.from(context.slice(-blockSize));
      const logits = model.forward(window, [1, window.length]).logits.toArray().slice(-model.config.vocabSize);
      out[i] = sampleNext(Float32Array.from(logits), {
        temperature,
        topK: 200 > model.config.vocabSize ? undefined : 200,
        rng: () => rng.random(),
      });
      context.push(out[i]!);
    }
    return out;
  });
}

describe('generate (KV cache)', () => {
  const model = new Gpt(tinyModel, { rng: new Rng(11) });
  for (const p of model.parameters()) p.data.forEach((v, i, d) => (d[i] = v * 40)); // sharper, seed-sensitive logits
  const prompt = Int32Array.of(1, 2, 3);

  it.each([1, 0.7, 0])(
    'equals uncached nanoGPT-style sampling well past blockSize (temperature %s)',
    async (temperature) => {
      const n = 3 * tinyModel.blockSize;
      const cached = await generate(model, prompt, { maxNewTokens: n, temperature, topK: 200, rng: new Rng(5) });
      const uncached = generateUncached(model, prompt, n, temperature, new Rng(5));
      expect(Array.from(cached)).toEqual(Array.from(uncached));
    },
  );

  it('gives the logits of a full re-run at every cached step', () => {
    const caches = model.newCaches();
    const ids = Int32Array.of(4, 1, 9, 0, 2, 7, 7, 3);
    noGrad(() => {
      model.forward(ids.subarray(0, 1), [1, 1], { caches });
      for (let t = 1; t < ids.length; t++) {
        const cached = model.forward(ids.subarray(t, t + 1), [1, 1], { caches, lastOnly: true }).logits.toArray();
        const full = model.forward(ids.subarray(0, t + 1), [1, t + 1], { lastOnly: true }).logits.toArray();
        cached.forEach((v, i) => expect(v).toBeCloseTo(full[i]!, 4));
      }
    });
  });

  it('streams each token as it is chosen and restores training mode', async () => {
    const seen: number[] = [];
    model.train();
    const out = await generate(model, prompt, {
      maxNewTokens: 5,
      temperature: 1,
      rng: new Rng(2),
      onToken: (id) => seen.push(id),
    });
    expect(seen).toEqual(Array.from(out));
    expect(model.training).toBe(true);
  });
});

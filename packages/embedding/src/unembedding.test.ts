// Tests of Unembedding and of the three embedding layers together: logits, weight tying, gradient, init.
import { describe, expect, it } from 'vitest';
import { Module, Rng, crossEntropy, tensor } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { gradcheck } from '@tinygpt/autograd/testing';
import { PositionEmbedding } from './position-embedding.js';
import { TokenEmbedding } from './token-embedding.js';
import { Unembedding } from './unembedding.js';

/** Embeddings in, logits out, with no transformer in between: the skeleton of a GPT. */
class Bigram extends Module {
  wte: TokenEmbedding;
  wpe: PositionEmbedding;
  lmHead: Unembedding;
  constructor(config: { vocabSize: number; blockSize: number; nEmbd: number }, rng: Rng, tie: boolean) {
    super();
    this.wte = new TokenEmbedding(config, { rng });
    this.wpe = new PositionEmbedding(config, { rng });
    this.lmHead = new Unembedding(config, tie ? { rng, tiedTo: this.wte } : { rng });
  }
  forward(ids: Int32Array, B: number, T: number): Tensor {
    return this.lmHead.forward(this.wte.forward(ids, [B, T]).add(this.wpe.forward(T))); // (B, T, vocabSize)
  }
}

const config = { vocabSize: 7, blockSize: 4, nEmbd: 3 };
const ids = Int32Array.of(1, 6, 6, 0, 2, 3);
const targets = Int32Array.of(6, 6, 0, 2, 3, 1);

describe('Unembedding', () => {
  it('maps (B, T, nEmbd) to logits (B, T, vocabSize) = x · Wᵀ', () => {
    const head = new Unembedding(config, { rng: new Rng(1) });
    const xs = Array.from({ length: 12 }, (_, i) => (i % 5) - 2.5);
    const logits = head.forward(tensor(xs, [2, 2, 3]));
    expect(logits.shape).toEqual([2, 2, 7]);
    const w = head.weight.toArray();
    const expected: number[] = [];
    for (let n = 0; n < 4; n++) {
      for (let v = 0; v < 7; v++)
        expected.push(xs[n * 3]! * w[v * 3]! + xs[n * 3 + 1]! * w[v * 3 + 1]! + xs[n * 3 + 2]! * w[v * 3 + 2]!);
    }
    logits.toArray().forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
    expect(() => head.forward(tensor([1, 2, 3, 4], [1, 1, 4]))).toThrow('Unembedding: x is (1, 1, 4) but nEmbd is 3');
    expect(() => head.forward(tensor([1, 2, 3], [1, 3]))).toThrow('expected x of shape (B, T, C), got (1, 3)');
  });

  it('ties to the token embedding: the same Tensor, no extra parameters, no randomness used', () => {
    const rng = new Rng(5);
    const wte = new TokenEmbedding(config, { rng });
    const before = rng.state();
    const head = new Unembedding(config, { rng, tiedTo: wte });
    expect(rng.state()).toEqual(before);
    expect(head.weight).toBe(wte.weight);
    expect(head.tied).toBe(true);

    const tied = new Bigram(config, new Rng(5), true);
    const untied = new Bigram(config, new Rng(5), false);
    expect(tied.namedParameters().map(([name]) => name)).toEqual(['wte.weight', 'wpe.weight']);
    expect(untied.namedParameters().map(([name]) => name)).toEqual(['wte.weight', 'wpe.weight', 'lmHead.weight']);
    expect(() => new Unembedding({ vocabSize: 8, nEmbd: 3 }, { rng, tiedTo: wte })).toThrow(
      'Unembedding: cannot tie a (8, 3) head to a token embedding of shape (7, 3)',
    );
  });

  it('counts V·C + blockSize·C parameters tied, 2·V·C + blockSize·C untied', () => {
    const { vocabSize: V, blockSize, nEmbd: C } = config;
    const count = (m: Module) => m.parameters().reduce((n, p) => n + p.size, 0);
    expect(count(new Bigram(config, new Rng(1), true))).toBe(V * C + blockSize * C);
    expect(count(new Bigram(config, new Rng(1), false))).toBe(2 * V * C + blockSize * C);
  });

  it('accumulates the tied weight’s gradient from both uses (lookup and logits), checked numerically', () => {
    const model = new Bigram(config, new Rng(11), true);
    gradcheck(() => crossEntropy(model.forward(ids, 2, 3), targets), [model.wte.weight, model.wpe.weight]);

    // The tied gradient is the sum of the two paths' gradients, which an untied copy computes apart.
    const untied = new Bigram(config, new Rng(11), false);
    untied.lmHead.weight.data.set(untied.wte.weight.data);
    crossEntropy(untied.forward(ids, 2, 3), targets).backward();
    model.zeroGrad();
    crossEntropy(model.forward(ids, 2, 3), targets).backward();
    const sum = untied.wte.weight.grad!.map((g, i) => g + untied.lmHead.weight.grad![i]!);
    Array.from(model.wte.weight.grad!).forEach((g, i) => expect(g).toBeCloseTo(sum[i]!, 6));
  });

  it('passes a gradient check untied, through the whole embed → unembed forward', () => {
    const model = new Bigram(config, new Rng(12), false);
    gradcheck(() => crossEntropy(model.forward(ids, 2, 3), targets), model.parameters());
  });

  it('starts at a loss of ln(vocabSize), as GPT-2 initialisation should', () => {
    const big = { vocabSize: 65, blockSize: 8, nEmbd: 32 };
    const model = new Bigram(big, new Rng(1337), true);
    const rng = new Rng(3);
    const x = Int32Array.from({ length: 32 }, () => rng.int(65));
    const y = Int32Array.from({ length: 32 }, () => rng.int(65));
    expect(crossEntropy(model.forward(x, 4, 8), y).item()).toBeCloseTo(Math.log(65), 2);
  });

  it('gives bit-identical weights and logits for the same seed', () => {
    const [a, b] = [new Bigram(config, new Rng(99), false), new Bigram(config, new Rng(99), false)];
    a.namedParameters().forEach(([name, p], i) => {
      expect(b.namedParameters()[i]![0]).toBe(name);
      expect(b.namedParameters()[i]![1].data).toEqual(p.data);
    });
    expect(b.forward(ids, 2, 3).data).toEqual(a.forward(ids, 2, 3).data);
    expect(new Bigram(config, new Rng(100), false).lmHead.weight.data).not.toEqual(a.lmHead.weight.data);
  });
});

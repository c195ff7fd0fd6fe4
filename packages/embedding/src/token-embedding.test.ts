// Tests of TokenEmbedding: lookup values and shapes, id checks, scatter-add gradient, GPT-2 init, determinism.
import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@tinygpt/autograd';
import { gradcheck } from '@tinygpt/autograd/testing';
import { TokenEmbedding } from './token-embedding.js';

const rowOf = (wte: TokenEmbedding, id: number) => wte.weight.toArray().slice(id * wte.nEmbd, (id + 1) * wte.nEmbd);

describe('TokenEmbedding', () => {
  it('maps a (B, T) batch of ids to (B, T, nEmbd): the weight row of each id', () => {
    const wte = new TokenEmbedding({ vocabSize: 11, nEmbd: 4 }, { rng: new Rng(1) });
    const ids = Int32Array.of(3, 0, 10, 3, 7, 1);
    const out = wte.forward(ids, [2, 3]);
    expect(out.shape).toEqual([2, 3, 4]);
    const values = out.toArray();
    ids.forEach((id, i) => expect(values.slice(i * 4, i * 4 + 4)).toEqual(rowOf(wte, id)));
  });

  it('rejects an id outside the vocabulary, naming the id and its position', () => {
    const wte = new TokenEmbedding({ vocabSize: 65, nEmbd: 4 }, { rng: new Rng(1) });
    expect(() => wte.forward(Int32Array.of(1, 2, 3, 4, 5, 65), [2, 3])).toThrow(
      new RangeError('TokenEmbedding: token id 65 at position (b=1, t=2) is outside the vocabulary [0, 65)'),
    );
    expect(() => wte.forward(Int32Array.of(-1), [1, 1])).toThrow(/token id -1 at position \(b=0, t=0\)/);
    expect(() => wte.forward(Int32Array.of(1, 2, 3), [2, 2])).toThrow(/3 ids do not fill shape \(2, 2\)/);
    expect(() => new TokenEmbedding({ vocabSize: 0, nEmbd: 4 }, { rng: new Rng(1) })).toThrow(
      /vocabSize must be a positive integer/,
    );
  });

  it('scatter-adds the gradient: a token used twice gets both positions’ gradients', () => {
    const wte = new TokenEmbedding({ vocabSize: 5, nEmbd: 3 }, { rng: new Rng(2) });
    const ids = Int32Array.of(4, 1, 4, 4);
    const g = Array.from({ length: 12 }, (_, i) => i + 1);
    wte
      .forward(ids, [1, 4])
      .mul(tensor(g, [1, 4, 3]))
      .sum()
      .backward();
    const expected = new Array<number>(15).fill(0);
    ids.forEach((id, t) => {
      for (let c = 0; c < 3; c++) expected[id * 3 + c]! += g[t * 3 + c]!;
    });
    expect(Array.from(wte.weight.grad!)).toEqual(expected);
  });

  it('passes a gradient check through its forward', () => {
    const wte = new TokenEmbedding({ vocabSize: 6, nEmbd: 3 }, { rng: new Rng(3) });
    const weights = tensor(
      Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)),
      [2, 2, 3],
    );
    const ids = Int32Array.of(5, 2, 5, 0);
    gradcheck(() => wte.forward(ids, [2, 2]).mul(weights).sum(), [wte.weight]);
  });

  it('has vocabSize·nEmbd parameters, initialised normal(0, 0.02) as GPT-2', () => {
    const wte = new TokenEmbedding({ vocabSize: 256, nEmbd: 64 }, { rng: new Rng(1337) });
    expect(wte.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([['weight', [256, 64]]]);
    const w = wte.weight.toArray();
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeGreaterThan(0.0194);
    expect(std).toBeLessThan(0.0206);
  });

  it('gives bit-identical weights and outputs for the same seed, different ones for another', () => {
    const make = (seed: number) => new TokenEmbedding({ vocabSize: 20, nEmbd: 8 }, { rng: new Rng(seed) });
    const ids = Int32Array.of(1, 19, 7);
    const [a, b, c] = [make(42), make(42), make(43)];
    expect(b.weight.data).toEqual(a.weight.data);
    expect(b.forward(ids, [1, 3]).data).toEqual(a.forward(ids, [1, 3]).data);
    expect(c.weight.data).not.toEqual(a.weight.data);
  });
});

// Tests of PositionEmbedding: rows for positions offset..offset+T-1, the blockSize limit, gradient, init, determinism.
import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@tinygpt/autograd';
import { gradcheck } from '@tinygpt/autograd/testing';
import { PositionEmbedding } from './position-embedding.js';

describe('PositionEmbedding', () => {
  const make = (seed = 1) => new PositionEmbedding({ blockSize: 8, nEmbd: 3 }, { rng: new Rng(seed) });

  it('returns (T, nEmbd): the rows of positions offset..offset+T-1', () => {
    const wpe = make();
    const w = wpe.weight.toArray();
    expect(wpe.forward(4).shape).toEqual([4, 3]);
    expect(wpe.forward(4).toArray()).toEqual(w.slice(0, 12));
    expect(wpe.forward(2, 5).toArray()).toEqual(w.slice(15, 21));
    expect(wpe.forward(8).toArray()).toEqual(w);
    expect(wpe.forward(1, 7).toArray()).toEqual(w.slice(21, 24));
  });

  it('rejects a position at or beyond blockSize with a clear error', () => {
    const wpe = make();
    expect(() => wpe.forward(9)).toThrow(
      new RangeError(
        'PositionEmbedding: position 8 is beyond blockSize 8 (positions 0..7); crop the context to the last 8 tokens',
      ),
    );
    expect(() => wpe.forward(2, 7)).toThrow(/position 8 is beyond blockSize 8/);
    expect(() => wpe.forward(1, -1)).toThrow(/offset must be a non-negative integer/);
    expect(() => wpe.forward(0)).toThrow(/T must be a positive integer/);
  });

  it('sends gradient only to the rows it returned', () => {
    const wpe = make();
    wpe
      .forward(2, 3)
      .mul(tensor([1, 2, 3, 4, 5, 6], [2, 3]))
      .sum()
      .backward();
    expect(Array.from(wpe.weight.grad!)).toEqual([
      ...new Array<number>(9).fill(0),
      1,
      2,
      3,
      4,
      5,
      6,
      ...new Array<number>(9).fill(0),
    ]);
  });

  it('passes a gradient check through its forward (broadcast over a batch, as in a GPT)', () => {
    const wpe = make(4);
    const tok = tensor(
      Array.from({ length: 18 }, (_, i) => Math.cos(i)),
      [2, 3, 3],
    );
    gradcheck(() => tok.add(wpe.forward(3, 2)).pow(2).sum(), [wpe.weight]);
  });

  it('has blockSize·nEmbd parameters, initialised normal(0, 0.02), bit-identical for the same seed', () => {
    const wpe = new PositionEmbedding({ blockSize: 256, nEmbd: 64 }, { rng: new Rng(7) });
    expect(wpe.parameters().reduce((n, p) => n + p.size, 0)).toBe(256 * 64);
    const w = wpe.weight.toArray();
    const std = Math.sqrt(w.reduce((a, b) => a + b * b, 0) / w.length);
    expect(std).toBeGreaterThan(0.0194);
    expect(std).toBeLessThan(0.0206);
    expect(make(9).weight.data).toEqual(make(9).weight.data);
    expect(make(9).forward(3, 1).data).toEqual(make(9).forward(3, 1).data);
    expect(make(9).weight.data).not.toEqual(make(10).weight.data);
  });
});

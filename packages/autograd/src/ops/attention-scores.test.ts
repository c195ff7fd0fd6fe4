// Tests of attention's scores read in place from the q, k, v projection: against the float64 definition with the
// gradient checked, the same bits as splitting the heads out and the causal matmul, and the shapes it refuses.

import { describe, expect, it } from 'vitest';
import { attentionScores } from './attention-scores.js';
import { attentionScoresComposed } from '../functional/composed.js';
import { input, testOp } from '../testing/index.js';
import type { RefInput } from '../testing/index.js';

/** s[b, h, i, j] = Σ_d q[b, i, h·hs + d]·k[b, j, C + h·hs + d] for j ≤ i, else 0, in float64. */
function naive(nHead: number) {
  return (qkv: RefInput): number[] => {
    const [B, T, threeC] = qkv.shape as [number, number, number];
    const C = threeC / 3;
    const hs = C / nHead;
    const out: number[] = [];
    for (let b = 0; b < B; b++)
      for (let h = 0; h < nHead; h++)
        for (let i = 0; i < T; i++)
          for (let j = 0; j < T; j++) {
            let s = 0;
            if (j <= i) {
              for (let d = 0; d < hs; d++) {
                s += qkv.data[(b * T + i) * threeC + h * hs + d]! * qkv.data[(b * T + j) * threeC + C + h * hs + d]!;
              }
            }
            out.push(s);
          }
    return out;
  };
}

describe('attentionScores', () => {
  for (const [B, T, C, nHead] of [
    [2, 5, 6, 2],
    [1, 7, 8, 4],
    [3, 1, 4, 1],
  ] as const) {
    it(`B ${B}, T ${T}, C ${C}, ${nHead} heads: values and the projection's gradient`, () => {
      testOp({
        op: 'attentionScores',
        inputs: [input([B, T, 3 * C], { seed: 31 })],
        forward: (qkv) => attentionScores(qkv, nHead),
        reference: naive(nHead),
        shape: [B, nHead, T, T],
      });
    });
  }

  it('gives the bits of the split-out heads and the causal matmul, value and gradient', () => {
    const [B, T, C, nHead] = [2, 9, 12, 3];
    const inPlace = input([B, T, 3 * C], { seed: 32 });
    const split = input([B, T, 3 * C], { seed: 32 });
    const g = input([B, nHead, T, T], { seed: 33, requiresGrad: false });
    const a = attentionScores(inPlace, nHead);
    const b = attentionScoresComposed(split, nHead);
    expect(a.data).toEqual(b.data);
    a.mul(g).sum().backward();
    b.mul(g).sum().backward();
    expect(inPlace.grad).toEqual(split.grad);
  });

  it('refuses what is not a (B, T, 3·C) projection or a head count that does not divide C', () => {
    expect(() => attentionScores(input([2, 5, 7]), 1)).toThrow(
      'needs a (B, T, 3·C) query, key, value projection, got [2, 5, 7]',
    );
    expect(() => attentionScores(input([5, 6]), 1)).toThrow('got [5, 6]');
    expect(() => attentionScores(input([2, 5, 12]), 3)).toThrow(
      'nHead must be a positive integer dividing C = 4, got 3',
    );
    expect(() => attentionScores(input([2, 5, 12]), 0)).toThrow('got 0');
  });
});

// Tests of attention's weighted values read in place from the q, k, v projection: against the float64 definition
// with both gradients checked, the same bits as the split-out heads' causal matmul and merge, and what it refuses.

import { describe, expect, it } from 'vitest';
import { attentionValues } from './attention-values.js';
import { attentionValuesComposed } from '../functional/composed.js';
import { input, testOp } from '../testing/index.js';
import type { RefInput } from '../testing/index.js';

/** y[b, i, h·hs + d] = Σ_{j ≤ i} att[b, h, i, j]·v[b, j, 2·C + h·hs + d], in float64. */
function naive(nHead: number) {
  return (att: RefInput, qkv: RefInput): number[] => {
    const [B, T, threeC] = qkv.shape as [number, number, number];
    const C = threeC / 3;
    const hs = C / nHead;
    const out: number[] = [];
    for (let b = 0; b < B; b++)
      for (let i = 0; i < T; i++)
        for (let h = 0; h < nHead; h++)
          for (let d = 0; d < hs; d++) {
            let s = 0;
            for (let j = 0; j <= i; j++) {
              s += att.data[((b * nHead + h) * T + i) * T + j]! * qkv.data[(b * T + j) * threeC + 2 * C + h * hs + d]!;
            }
            out.push(s);
          }
    return out;
  };
}

describe('attentionValues', () => {
  for (const [B, T, C, nHead] of [
    [2, 5, 6, 2],
    [1, 7, 8, 4],
    [3, 1, 4, 1],
  ] as const) {
    it(`B ${B}, T ${T}, C ${C}, ${nHead} heads: values and both gradients`, () => {
      testOp({
        op: 'attentionValues',
        inputs: [input([B, nHead, T, T], { seed: 41 }), input([B, T, 3 * C], { seed: 42 })],
        forward: (att, qkv) => attentionValues(att, qkv, nHead),
        reference: naive(nHead),
        shape: [B, T, C],
      });
    });
  }

  it('gives the bits of the split-out heads, the causal matmul and the merge, value and gradients', () => {
    const [B, T, C, nHead] = [2, 9, 12, 3];
    const [att1, att2] = [input([B, nHead, T, T], { seed: 43 }), input([B, nHead, T, T], { seed: 43 })];
    const [inPlace, split] = [input([B, T, 3 * C], { seed: 44 }), input([B, T, 3 * C], { seed: 44 })];
    const g = input([B, T, C], { seed: 45, requiresGrad: false });
    const a = attentionValues(att1, inPlace, nHead);
    const b = attentionValuesComposed(att2, split, nHead);
    expect(a.data).toEqual(b.data);
    a.mul(g).sum().backward();
    b.mul(g).sum().backward();
    expect(att1.grad).toEqual(att2.grad);
    expect(inPlace.grad).toEqual(split.grad);
  });

  it('refuses weights that do not fit the projection', () => {
    const qkv = input([2, 5, 12]);
    expect(() => attentionValues(input([2, 2, 5, 4]), qkv, 2)).toThrow(
      'needs weights [2, 2, 5, 5] for this projection, got [2, 2, 5, 4]',
    );
    expect(() => attentionValues(input([2, 2, 5, 5]), input([2, 5, 11]), 2)).toThrow('(B, T, 3·C)');
  });
});

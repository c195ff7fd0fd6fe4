// Autograd's gradient check with every kernel on the WebAssembly backend: attention, layer norm, losses, indexing.

import {
  attentionScores,
  attentionValues,
  causalSoftmax,
  concat,
  crossEntropy,
  gather,
  getBackend,
  indexSelect,
  layerNorm,
  logSoftmax,
  matmul,
  maskedFill,
  mean,
  Rng,
  setBackend,
  softmax,
  tensor,
  variance,
  where,
} from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { gradcheck } from '@tinygpt/autograd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';

// Autograd's own gradient check, run with every kernel on this backend: forward values come from
// the WebAssembly kernels, and so do the gradients backward() accumulates.
let wasm: WasmBackend;
const before = getBackend();
beforeAll(async () => {
  wasm = await createWasmBackend({ threads: 2, poisonFreed: true });
  setBackend(wasm);
});
afterAll(() => {
  setBackend(before);
  wasm.close();
});

/** A tensor in WebAssembly memory that requires grad. */
function param(shape: number[], seed: string, scale = 1, offset = 0): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, () => offset + rng.normal() * scale),
    shape,
    { requiresGrad: true },
  );
}

describe('gradients through the WebAssembly kernels', () => {
  it('tensors are stored in WebAssembly memory', () => {
    expect(wasm.runtime.heap.addressOf(param([3], 'where').data)).toBeGreaterThan(0);
  });

  it('elementwise functions, broadcasting and reductions', () => {
    const x = param([3, 4], 'x');
    const y = param([4], 'y', 1, 3);
    gradcheck((a, b) => a.mul(b).add(b.sqrt()).div(b).tanh().sub(a.sigmoid()).exp().sum(1), [x, y]);
    gradcheck((a) => a.gelu().add(a.gelu('tanh')).relu().pow(2).mean(), [x]);
    gradcheck(
      (a) =>
        a
          .max(1)
          .sum()
          .add(variance(a, 0).sum())
          .add(mean(a.mul(a).add(1).log(), [0, 1])),
      [x],
    );
  });

  it('a causal attention head: slicing, transposes, batched matmul, masking, softmax', () => {
    const [B, T, C] = [2, 4, 6];
    const x = param([B, T, C], 'att-x');
    const w = param([3 * C, C], 'att-w', 0.3);
    const mask = tensor(
      Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? 1 : 0)),
      [T, T],
    );
    gradcheck(
      (xin, win) => {
        const qkv = matmul(xin, win, { transB: true }); // (B, T, 3C)
        const q = qkv.slice(2, 0, C).reshape([B, T, 2, 3]).transpose(1, 2); // (B, 2, T, 3)
        const k = qkv
          .slice(2, C, 2 * C)
          .reshape([B, T, 2, 3])
          .transpose(1, 2); // (B, 2, T, 3)
        const v = qkv
          .slice(2, 2 * C, 3 * C)
          .reshape([B, T, 2, 3])
          .transpose(1, 2); // (B, 2, T, 3)
        const att = softmax(maskedFill(matmul(q, k, { transB: true }).mul(1 / Math.sqrt(3)), mask, -Infinity)); // (B, 2, T, T)
        return att.matmul(v).transpose(1, 2).reshape([B, T, C]); // (B, T, C)
      },
      [x, w],
    );
  });

  it("attention's causal products, lower(q·kᵀ) and lower(p)·v: with cached keys, broadcast, through causal softmax", () => {
    for (const [qb, kb, T, Tk] of [
      [[2, 3], [2, 3], 5, 5],
      [[2, 2], [2, 2], 3, 7],
      [[2, 3], [3], 4, 4],
    ] as const) {
      const q = param([...qb, T, 4], `causal-q-${T}-${Tk}`);
      const k = param([...kb, Tk, 4], `causal-k-${T}-${Tk}`);
      const v = param([...kb, Tk, 3], `causal-v-${T}-${Tk}`);
      gradcheck(
        (qi, ki, vi) =>
          causalSoftmax(matmul(qi, ki, { transB: true, causal: 'output' }), 0.5).matmul(vi, { causal: 'left' }),
        [q, k, v],
      );
      const p = param([...qb, T, Tk], `causal-p-${T}-${Tk}`);
      gradcheck((pi, vi) => matmul(pi, vi, { causal: 'left' }), [p, v]);
      gradcheck((qi, ki) => matmul(qi, ki, { transB: true, causal: 'output' }), [q, k]);
    }
  });

  it("attention read in place from the q, k, v projection: gradients, and the bits of the split-out heads'", () => {
    const [B, T, C, nh] = [3, 6, 8, 2];
    const qkv = param([B, T, 3 * C], 'heads-qkv');
    gradcheck((x) => attentionValues(causalSoftmax(attentionScores(x, nh), 0.5), x, nh), [qkv]);
    // Large enough that the two threads share the products out, as in training.
    const [b, t, c, h] = [8, 64, 128, 4];
    const [x1, x2] = [param([b, t, 3 * c], 'heads-big', 0.2), param([b, t, 3 * c], 'heads-big', 0.2)];
    const split = (x: Tensor, part: number) =>
      x
        .slice(2, part * c, (part + 1) * c)
        .reshape([b, t, h, c / h])
        .transpose(1, 2);
    const s1 = attentionScores(x1, h);
    const s2 = matmul(split(x2, 0), split(x2, 1), { transB: true, causal: 'output' });
    expect(s1.data).toEqual(s2.data);
    const [p1, p2] = [causalSoftmax(s1, 0.25), causalSoftmax(s2, 0.25)];
    const y1 = attentionValues(p1, x1, h);
    const y2 = matmul(p2, split(x2, 2), { causal: 'left' }).transpose(1, 2).reshape([b, t, c]);
    expect(y1.data).toEqual(y2.data);
    const g = param([b, t, c], 'heads-g');
    y1.mul(g).sum().backward();
    y2.mul(g).sum().backward();
    expect(x1.grad).toEqual(x2.grad);
  });

  it('layer norm, embedding lookup, concat, gather, where, log-softmax and cross-entropy', () => {
    const emb = param([5, 4], 'emb');
    const lnW = param([4], 'ln-w', 0.2, 1);
    const lnB = param([4], 'ln-b', 0.2);
    const ids = Int32Array.from([4, 0, 2, 2, 1, 3]);
    gradcheck(
      (e, w, b) => {
        const h = layerNorm(indexSelect(e, ids, [6]), w, b); // (6, 4)
        const logits = concat([h, h.slice(1, 0, 2).mul(2)], 1); // (6, 6)
        const picked = gather(logSoftmax(logits), 1, Int32Array.from([0, 5, 2, 1, 3, 4])); // (6, 1)
        const gated = where(tensor([1, 0, 1, 0, 1, 0], [6, 1]), picked, picked.mul(0.5)); // (6, 1)
        return crossEntropy(logits, Int32Array.from([1, 2, -100, 0, 5, 3]), { ignoreIndex: -100 }).add(gated.sum());
      },
      [emb, lnW, lnB],
    );
  });
});

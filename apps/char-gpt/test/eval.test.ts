// The eval windowing: every character after the first is predicted exactly once, and the figure matches a hand computation.
import { Rng, noGrad } from '@tinygpt/autograd';
import { describe, expect, it } from 'vitest';
import { evalWindows, evaluateIds } from '../src/eval.js';
import { Gpt } from '../src/model/gpt.js';
import { tinyModel } from './helpers.js';

describe('eval windows', () => {
  it('cuts 10 characters with blockSize 4 as worked out by hand', () => {
    // window 0: chars 0–4 (targets 1–4); window 1: chars 4–8 (targets 5–8); window 2: chars 8–9 (target 9)
    expect(evalWindows(10, 4)).toEqual([
      [0, 5],
      [4, 9],
      [8, 10],
    ]);
    expect(evalWindows(9, 4)).toEqual([
      [0, 5],
      [4, 9],
    ]);
    expect(evalWindows(2, 4)).toEqual([[0, 2]]);
  });

  it('predicts every character after the first exactly once', () => {
    for (const [n, T] of [
      [1000, 64],
      [65, 64],
      [66, 64],
      [7, 1],
    ] as const) {
      const counts = new Array<number>(n).fill(0);
      for (const [start, end] of evalWindows(n, T)) for (let i = start + 1; i < end; i++) counts[i]!++;
      expect(counts).toEqual([0, ...new Array<number>(n - 1).fill(1)]);
    }
  });

  it('equals the mean of per-character losses computed one window at a time', async () => {
    const model = new Gpt(tinyModel, { rng: new Rng(9) });
    const rng = new Rng(10);
    const ids = Int32Array.from({ length: 27 }, () => rng.int(tinyModel.vocabSize)); // windows 0–8, 8–16, 16–24, 24–26
    let sum = 0;
    noGrad(() => {
      for (const [start, end] of evalWindows(ids.length, tinyModel.blockSize)) {
        const x = ids.slice(start, end - 1);
        const logits = model.forward(x, [1, x.length]).logits.toArray();
        const V = tinyModel.vocabSize;
        for (let t = 0; t < x.length; t++) {
          const row = logits.slice(t * V, (t + 1) * V);
          const max = Math.max(...row);
          const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
          sum += logSum - row[ids[start + t + 1]!]!;
        }
      }
    });
    for (const batchSize of [1, 2, 16]) {
      const result = await evaluateIds(model, ids, { batchSize });
      expect(result.tokens).toBe(26);
      expect(result.loss).toBeCloseTo(sum / 26, 5);
      expect(result.bpc).toBeCloseTo(sum / 26 / Math.LN2, 5);
    }
  });

  it('reports progress from 0 before the first batch, so a display times the work, to every window', async () => {
    const model = new Gpt(tinyModel, { rng: new Rng(9) });
    const ids = Int32Array.from({ length: 27 }, (_, i) => i % tinyModel.vocabSize);
    const calls: [number, number][] = [];
    await evaluateIds(model, ids, { batchSize: 2, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [0, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });
});

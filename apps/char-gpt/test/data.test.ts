// The 90/10 split and the random windows that make a batch.
import { Rng } from '@tinygpt/autograd';
import { describe, expect, it } from 'vitest';
import { getBatch, splitIds } from '../src/data.js';

describe('data', () => {
  it("splits at floor(0.9·n) as nanoGPT: 1,003,854 / 111,540 for tinyshakespeare's length", () => {
    const { train, val } = splitIds(new Int32Array(1_115_394), 64);
    expect([train.length, val.length]).toEqual([1_003_854, 111_540]);
  });

  it('refuses a corpus whose val split cannot hold one window', () => {
    expect(() => splitIds(new Int32Array(100), 64)).toThrow(/its val split \(10\) is too short for --block-size 64/);
  });

  it('makes targets the inputs shifted by one, from windows inside the data, reproducibly', () => {
    const data = Int32Array.from({ length: 50 }, (_, i) => i);
    const a = getBatch(data, 4, 8, new Rng(1));
    const b = getBatch(data, 4, 8, new Rng(1));
    expect(a).toEqual(b);
    expect(a.shape).toEqual([4, 8]);
    for (let row = 0; row < 4; row++) {
      const x = Array.from(a.x.subarray(row * 8, row * 8 + 8));
      const y = Array.from(a.y.subarray(row * 8, row * 8 + 8));
      expect(y).toEqual(x.map((v) => v + 1)); // consecutive ids: the next token is id + 1
      expect(x[0]!).toBeGreaterThanOrEqual(0);
      expect(y[7]!).toBeLessThan(50);
    }
  });

  it('reaches every start offset in [0, n − T) and none beyond', () => {
    const data = Int32Array.from({ length: 12 }, (_, i) => i);
    const rng = new Rng(2);
    const starts = new Set<number>();
    for (let k = 0; k < 400; k++) starts.add(getBatch(data, 1, 8, rng).x[0]!);
    expect([...starts].sort((p, q) => p - q)).toEqual([0, 1, 2, 3]);
  });
});

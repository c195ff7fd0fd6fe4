// Tests of indexSelect (embedding lookup): rows by id, ids shaped (B, T), repeated ids accumulate, bad ids rejected.

import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../backend/cpu/index.js';
import { indexSelect } from './index-select.js';
import { input, testOp } from '../testing/index.js';

describe('indexSelect', () => {
  it('rows of a (V, C) table for ids shaped (B, T), with repeats', () => {
    const ids = Int32Array.from([4, 0, 2, 2, 1, 4]);
    testOp({
      op: 'indexSelect',
      inputs: [input([5, 3], { seed: 34 })],
      forward: (x) => indexSelect(x, ids, [2, 3]),
      reference: (x) => Array.from(ids).flatMap((id) => Array.from(x.data.subarray(id * 3, id * 3 + 3))),
      shape: [2, 3, 3],
    });
  });

  it('rows of a 3-D table, ids flat', () => {
    const ids = Int32Array.from([1, 0]);
    testOp({
      op: 'indexSelect',
      inputs: [input([2, 2, 2], { seed: 35 })],
      forward: (x) => indexSelect(x, ids),
      reference: (x) => [...x.data.subarray(4, 8), ...x.data.subarray(0, 4)],
      shape: [2, 2, 2],
    });
  });

  it('keeps its own copy of the ids, so reusing the buffer before backward is safe', () => {
    const table = input([3, 2], { seed: 36 });
    const ids = Int32Array.from([0, 0]);
    const y = indexSelect(table, ids);
    ids.fill(2);
    y.sum().backward();
    expect(Array.from(table.grad!)).toEqual([2, 2, 0, 0, 0, 0]);
  });

  it('copies the same rows when the table and the output share one buffer (a backend memory)', () => {
    const memory = new Float32Array(64);
    const table = memory.subarray(3, 3 + 12); // 4 rows of 3, at an offset
    table.set(Array.from({ length: 12 }, (_, i) => i + 1));
    const out = memory.subarray(30, 30 + 15);
    cpuBackend.indexSelect(table, 3, Int32Array.from([3, 0, 2, 2, 1]), out);
    expect(Array.from(out)).toEqual([10, 11, 12, 1, 2, 3, 7, 8, 9, 7, 8, 9, 4, 5, 6]);
    expect(memory.slice(15, 30).every((v) => v === 0)).toBe(true); // nothing written outside
  });

  it('throws a RangeError naming an id outside the table', () => {
    expect(() => indexSelect(input([3, 2]), Int32Array.from([0, 3]))).toThrow(
      /index 3 at position 1 is outside \[0, 3\)/,
    );
    expect(() => indexSelect(input([3, 2]), Int32Array.from([-1]))).toThrow(RangeError);
    expect(() => indexSelect(input([3, 2]), Int32Array.from([0, 1]), [3])).toThrow(/do not have shape/);
  });
});

// Tests of the CPU kernels' clever paths (merged loops, fast paths, blocking) against naive index arithmetic.

import { describe, expect, it } from 'vitest';
import { binary, where } from './binary.js';
import { broadcastTo, maxTo, sumTo } from './reduce.js';
import { permute } from './shape.js';
import { broadcastLayout } from './layout.js';
import { Rng } from '../../rng.js';
import { at, broadcastShape, elementwise, ravel, reduce, unravel } from '../../testing/naive.js';

const rng = new Rng(99);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const ref = (data: Float32Array, shape: readonly number[]) => ({ data: Float64Array.from(data), shape });

/** Random pairs of broadcast-compatible shapes, rank up to 4, sizes up to 3. */
function shapePairs(count: number): [number[], number[]][] {
  const out: [number[], number[]][] = [];
  for (let k = 0; k < count; k++) {
    const rank = 1 + rng.int(4);
    const full = Array.from({ length: rank }, () => 1 + rng.int(3));
    const pick = () => full.slice(rng.int(rank)).map((d) => (rng.random() < 0.4 ? 1 : d));
    out.push([pick(), pick()]);
  }
  return out;
}

describe('broadcastLayout', () => {
  it('merges a bias add over (B, T, C) into two loops and a same-shape op into one', () => {
    expect(broadcastLayout([2, 3, 4], [[2, 3, 4], [4]])).toEqual({
      dims: [6, 4],
      strides: [
        [4, 1],
        [0, 1],
      ],
    });
    expect(
      broadcastLayout(
        [2, 3, 4],
        [
          [2, 3, 4],
          [2, 3, 4],
        ],
      ).dims,
    ).toEqual([24]);
    expect(broadcastLayout([], [[], []]).dims).toEqual([1]);
  });
});

describe('binary and where', () => {
  it('match the naive broadcast for 200 random shape pairs, every op, with and without accumulate', () => {
    const fns = {
      add: (a: number, b: number) => a + b,
      sub: (a: number, b: number) => a - b,
      mul: (a: number, b: number) => a * b,
      div: (a: number, b: number) => a / b,
    };
    for (const [sa, sb] of shapePairs(200)) {
      const so = broadcastShape(sa, sb);
      const a = rand(size(sa));
      const b = rand(size(sb));
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        const out = new Float32Array(size(so));
        binary(op, a, sa, b, sb, out, so, false);
        const expected = elementwise([ref(a, sa), ref(b, sb)], fns[op]).map(Math.fround);
        expect(Array.from(out)).toEqual(expected);
        binary(op, a, sa, b, sb, out, so, true);
        expect(Array.from(out)).toEqual(expected.map((v) => Math.fround(v + v)));
      }
      const cond = Float32Array.from(rand(size(sa)), (v) => (v > 0 ? 1 : 0));
      const out = new Float32Array(size(so));
      where(cond, sa, a, sa, b, sb, out, so);
      expect(Array.from(out)).toEqual(
        elementwise([ref(cond, sa), ref(a, sa), ref(b, sb)], (c, x, y) => (c ? x : y)).map(Math.fround),
      );
    }
  });
});

describe('sumTo, broadcastTo, maxTo', () => {
  it('match naive reductions and broadcasts for 200 random shapes', () => {
    for (const [sx] of shapePairs(200)) {
      const axes = sx.map((_, d) => d).filter(() => rng.random() < 0.5);
      const kept = sx.map((d, i) => (axes.includes(i) ? 1 : d));
      const x = rand(size(sx));
      const sum = new Float32Array(size(kept));
      sumTo(x, sx, sum, kept, false);
      const expectedSum = reduce(ref(x, sx), axes, 0, (a, v) => a + v);
      expected(sum, expectedSum, 1e-5);
      const mx = new Float32Array(size(kept));
      const arg = new Int32Array(size(kept));
      maxTo(x, sx, mx, kept, arg);
      expect(Array.from(mx)).toEqual(reduce(ref(x, sx), axes, -Infinity, Math.max));
      arg.forEach((i, j) => expect(x[i]).toBe(mx[j]));
      const back = new Float32Array(size(sx));
      broadcastTo(sum, kept, back, sx, false);
      expect(Array.from(back)).toEqual(
        Array.from({ length: size(sx) }, (_, i) => at(ref(sum, kept), unravel(i, sx))).map(Math.fround),
      );
    }
  });
});

function expected(actual: Float32Array, want: number[], tol: number) {
  want.forEach((w, i) => expect(Math.abs(actual[i]! - w)).toBeLessThanOrEqual(tol * (1 + Math.abs(w))));
}

describe('permute', () => {
  it('matches naive index arithmetic for random 4-D permutations, blocked 2-D transposes and accumulation', () => {
    const cases: [number[], number[]][] = [
      [
        [2, 3, 4, 5],
        [0, 2, 1, 3],
      ],
      [
        [2, 3, 4, 5],
        [3, 2, 1, 0],
      ],
      [
        [2, 1, 4, 5],
        [1, 3, 0, 2],
      ],
      [
        [37, 65],
        [1, 0],
      ],
      [
        [3, 40, 33],
        [0, 2, 1],
      ],
    ];
    for (const [shape, dims] of cases) {
      const x = rand(size(shape));
      const outShape = dims.map((d) => shape[d]!);
      const want = Array.from({ length: x.length }, (_, i) => {
        const idx = unravel(i, outShape);
        const src = new Array<number>(shape.length);
        dims.forEach((d, k) => (src[d] = idx[k]!));
        return x[ravel(src, shape)]!;
      });
      const out = new Float32Array(x.length);
      permute(x, shape, dims, out, false);
      expect(Array.from(out)).toEqual(want);
      permute(x, shape, dims, out, true);
      expect(Array.from(out)).toEqual(want.map((v) => Math.fround(v + v)));
    }
  });
});

// Naive float64 references for op tests: index arithmetic spelled out, no fast paths, nothing shared with kernels.

import type { Shape } from '../shape.js';
import type { RefInput } from './test-op.js';

/** Multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

/** Flat position of a multi-index in `shape`. */
export function ravel(idx: readonly number[], shape: Shape): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + idx[d]!;
  return flat;
}

/** The NumPy broadcast shape of several shapes (assumed compatible). */
export function broadcastShape(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, d) => Math.max(...shapes.map((s) => s[s.length - rank + d] ?? 1)));
}

/** The value of a broadcast input at an output multi-index. */
export function at(x: RefInput, outIdx: readonly number[]): number {
  const lead = outIdx.length - x.shape.length;
  const idx = x.shape.map((size, d) => (size === 1 ? 0 : outIdx[d + lead]!));
  return x.data[ravel(idx, x.shape)]!;
}

/** fn applied elementwise over inputs broadcast together. */
export function elementwise(inputs: readonly RefInput[], fn: (...v: number[]) => number): number[] {
  const shape = broadcastShape(...inputs.map((x) => x.shape));
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => {
    const idx = unravel(i, shape);
    return fn(...inputs.map((x) => at(x, idx)));
  });
}

/** Reduction of x over `axes` with `combine` from `init`; output in row-major order of the kept axes. */
export function reduce(
  x: RefInput,
  axes: readonly number[],
  init: number,
  combine: (acc: number, v: number) => number,
): number[] {
  const outShape = x.shape.map((s, d) => (axes.includes(d) ? 1 : s));
  const n = outShape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(n).fill(init);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape).map((v, d) => (axes.includes(d) ? 0 : v));
    const j = ravel(idx, outShape);
    out[j] = combine(out[j]!, x.data[i]!);
  }
  return out;
}

/** (..., M, K)@(..., K, N) with broadcast batch axes, by the textbook triple loop. */
export function matmul(a: RefInput, b: RefInput): number[] {
  const [M, K] = a.shape.slice(-2) as [number, number];
  const N = b.shape[b.shape.length - 1]!;
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = batch.reduce((p, q) => p * q, 1);
  const out: number[] = [];
  for (let t = 0; t < nb; t++) {
    const bi = unravel(t, batch);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += at(a, [...bi, i, k]) * at(b, [...bi, k, j]);
        out.push(s);
      }
    }
  }
  return out;
}

/** Rows of the last axis as arrays. */
export function rows(x: RefInput): number[][] {
  const cols = x.shape[x.shape.length - 1]!;
  const out: number[][] = [];
  for (let r = 0; r < x.data.length / cols; r++) out.push(Array.from(x.data.subarray(r * cols, (r + 1) * cols)));
  return out;
}

/** The error function by its Maclaurin series (|x| ≤ 3) or continued fraction, to ~1e-14. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax > 3) {
    // erfc continued fraction (Lentz): erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …))))
    let f = ax;
    for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
    const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    return Math.sign(x) * (1 - erfc);
  }
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

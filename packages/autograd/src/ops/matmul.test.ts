// Tests of matmul: 2-D, batched, broadcast batches, folded batches, and the transposed-operand flags.

import { describe, expect, it } from 'vitest';
import { matmul } from './matmul.js';
import { permute } from './permute.js';
import { assertClose, input, testOp } from '../testing/index.js';
import { matmul as naive } from '../testing/naive.js';

const cases: [string, number[], number[]][] = [
  ['2-D', [3, 4], [4, 5]],
  ['batched', [2, 3, 4], [2, 4, 5]],
  ['3-D by 2-D (folded into one product)', [2, 3, 4], [4, 5]],
  ['2-D by 3-D (broadcast left)', [3, 4], [2, 4, 5]],
  ['broadcast batch axes', [2, 1, 3, 4], [1, 3, 4, 2]],
  ['vectors as 1-row matrices', [1, 6], [6, 1]],
];

describe('matmul', () => {
  for (const [label, sa, sb] of cases) {
    it(label, () => {
      testOp({
        op: 'matmul',
        inputs: [input(sa, { seed: 12 }), input(sb, { seed: 13 })],
        forward: (a, b) => matmul(a, b),
        reference: naive,
        atol: 1e-5,
      });
    });
  }

  /** The naive product of the explicitly transposed operands. */
  const swap = (x: { data: Float64Array; shape: readonly number[] }) => {
    const r = x.shape.length;
    const [m, n] = [x.shape[r - 2]!, x.shape[r - 1]!];
    const data = new Float64Array(x.data.length);
    for (let b = 0; b < x.data.length / (m * n); b++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) data[b * m * n + j * m + i] = x.data[b * m * n + i * n + j]!;
    return { data, shape: [...x.shape.slice(0, -2), n, m] };
  };
  for (const [transA, transB] of [
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    for (const batch of [[], [2]]) {
      it(`transA ${transA} transB ${transB} batch ${JSON.stringify(batch)}`, () => {
        const sa = transA ? [...batch, 4, 3] : [...batch, 3, 4];
        const sb = transB ? [...batch, 5, 4] : [...batch, 4, 5];
        testOp({
          op: 'matmul',
          inputs: [input(sa, { seed: 14 }), input(sb, { seed: 15 })],
          forward: (a, b) => matmul(a, b, { transA, transB }),
          reference: (a, b) => naive(transA ? swap(a) : a, transB ? swap(b) : b),
          shape: [...batch, 3, 5],
        });
      });
    }
  }

  it('transB equals multiplying by a materialised transpose', () => {
    const a = input([2, 3, 4], { seed: 16 });
    const w = input([5, 4], { seed: 17 });
    const viaFlag = matmul(a, w, { transB: true });
    const viaCopy = matmul(a, permute(w, [1, 0]));
    assertClose(viaFlag.data, viaCopy.data, { atol: 1e-6 });
  });

  it('large batched products with every transpose flag: value, dA = dC·Bᵀ and dB = Aᵀ·dC against naive loops', () => {
    const [Bt, M, K, N] = [2, 37, 70, 45];
    for (const [transA, transB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const a = input(transA ? [Bt, K, M] : [Bt, M, K], { seed: 70 });
      const b = input(transB ? [N, K] : [K, N], { seed: 71 });
      const g = input([Bt, M, N], { seed: 72, requiresGrad: false });
      const c = matmul(a, b, { transA, transB });
      c.backward(g);
      const A = (t: number, i: number, k: number) => a.data[transA ? t * K * M + k * M + i : t * M * K + i * K + k]!;
      const Bv = (k: number, j: number) => b.data[transB ? j * K + k : k * N + j]!;
      const G = (t: number, i: number, j: number) => g.data[t * M * N + i * N + j]!;
      const want = { c: [] as number[], da: new Array<number>(a.size).fill(0), db: new Array<number>(b.size).fill(0) };
      for (let t = 0; t < Bt; t++) {
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            let s = 0;
            for (let k = 0; k < K; k++) {
              s += A(t, i, k) * Bv(k, j);
              want.da[transA ? t * K * M + k * M + i : t * M * K + i * K + k]! += G(t, i, j) * Bv(k, j);
              want.db[transB ? j * K + k : k * N + j]! += A(t, i, k) * G(t, i, j);
            }
            want.c.push(s);
          }
        }
      }
      const label = `transA ${transA} transB ${transB}`;
      assertClose(c.data, want.c, { atol: 1e-4, message: `${label}: C` });
      assertClose(a.grad!, want.da, { atol: 1e-4, message: `${label}: dA` });
      assertClose(b.grad!, want.db, { atol: 1e-3, message: `${label}: dB` });
    }
  });

  it('rejects mismatched inner sizes and 1-D operands', () => {
    expect(() => matmul(input([2, 3]), input([4, 5]))).toThrow(/inner sizes differ/);
    expect(() => matmul(input([3]), input([3, 2]))).toThrow(/at least 2-D/);
  });
});

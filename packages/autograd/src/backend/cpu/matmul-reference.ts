// The definition of sgemm as one float64 dot product per entry: the slow, obviously correct reference.

/**
 * Same contract as `sgemm` (C (M×N) = op(A)·op(B), or += when `accumulate`; A stored (M, K) or (K, M)
 * when `transA`; B stored (K, N) or (N, K) when `transB`), computed entry by entry with a float64 sum.
 * Tests check the fast kernel against it and benchmarks use it as the baseline.
 */
export function naiveSgemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const av = transA ? a[aOff + k * M + i]! : a[aOff + i * K + k]!;
        const bv = transB ? b[bOff + j * K + k]! : b[bOff + k * N + j]!;
        s += av * bv;
      }
      const at = cOff + i * N + j;
      c[at] = accumulate ? c[at]! + s : s;
    }
  }
}

// Matrix–vector products on Float32Array (the M = 1 and N = 1 cases of sgemm): dot products four rows at a
// time, or row-by-row axpy into a float64 chunk of sums, without packing. Callers (sgemm) check the spans, so
// the typed-array reads carry a `!`.

/** Column sums of a matrix–vector product, accumulated in float64, one chunk of columns at a time. */
const GEMV_CHUNK = 512;
const gemvSums = new Float64Array(GEMV_CHUNK);

/** y[r] (+)= Σ_c m[mOff + r·cols + c]·x[xOff + c] for r < rows: four dot products at a time. */
export function gemvDot(
  rows: number,
  cols: number,
  m: Float32Array,
  mOff: number,
  x: Float32Array,
  xOff: number,
  y: Float32Array,
  yOff: number,
  add: boolean,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const m0 = mOff + r * cols,
      m1 = m0 + cols,
      m2 = m1 + cols,
      m3 = m2 + cols;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let k = 0; k < cols; k++) {
      const xv = x[xOff + k]!;
      s0 += m[m0 + k]! * xv;
      s1 += m[m1 + k]! * xv;
      s2 += m[m2 + k]! * xv;
      s3 += m[m3 + k]! * xv;
    }
    const o = yOff + r;
    if (add) {
      y[o]! += s0;
      y[o + 1]! += s1;
      y[o + 2]! += s2;
      y[o + 3]! += s3;
    } else {
      y[o] = s0;
      y[o + 1] = s1;
      y[o + 2] = s2;
      y[o + 3] = s3;
    }
  }
  for (; r < rows; r++) {
    const m0 = mOff + r * cols;
    let s = 0;
    for (let k = 0; k < cols; k++) s += m[m0 + k]! * x[xOff + k]!;
    y[yOff + r] = add ? y[yOff + r]! + s : s;
  }
}

/** y[c] (+)= Σ_r x[xOff + r]·m[mOff + r·cols + c] for c < cols: four rows at a time, float64 sums per chunk. */
export function gemvAxpy(
  rows: number,
  cols: number,
  m: Float32Array,
  mOff: number,
  x: Float32Array,
  xOff: number,
  y: Float32Array,
  yOff: number,
  add: boolean,
): void {
  for (let c0 = 0; c0 < cols; c0 += GEMV_CHUNK) {
    const w = Math.min(GEMV_CHUNK, cols - c0);
    gemvSums.fill(0, 0, w);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const x0 = x[xOff + r]!,
        x1 = x[xOff + r + 1]!,
        x2 = x[xOff + r + 2]!,
        x3 = x[xOff + r + 3]!;
      const m0 = mOff + r * cols + c0,
        m1 = m0 + cols,
        m2 = m1 + cols,
        m3 = m2 + cols;
      for (let c = 0; c < w; c++) gemvSums[c]! += x0 * m[m0 + c]! + x1 * m[m1 + c]! + x2 * m[m2 + c]! + x3 * m[m3 + c]!;
    }
    for (; r < rows; r++) {
      const xv = x[xOff + r]!;
      const m0 = mOff + r * cols + c0;
      for (let c = 0; c < w; c++) gemvSums[c]! += xv * m[m0 + c]!;
    }
    const o = yOff + c0;
    if (add) for (let c = 0; c < w; c++) y[o + c]! += gemvSums[c]!;
    else for (let c = 0; c < w; c++) y[o + c] = gemvSums[c]!;
  }
}

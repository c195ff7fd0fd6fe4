// Fused layer normalisation over the last axis (Ba, Kiros & Hinton 2016), forward and backward.

/** out = (x − μ)·rstd·w + b per row, saving μ and rstd = 1/√(σ² + eps) (σ² biased). */
export function layerNorm(
  x: Float32Array,
  rows: number,
  cols: number,
  weight: Float32Array | null,
  bias: Float32Array | null,
  eps: number,
  out: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let s = 0;
    for (let i = 0; i < cols; i++) s += x[o + i]!;
    const mu = s / cols;
    let v = 0;
    for (let i = 0; i < cols; i++) {
      const d = x[o + i]! - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let i = 0; i < cols; i++) {
      let y = (x[o + i]! - mu) * rs;
      if (weight) y *= weight[i]!;
      if (bias) y += bias[i]!;
      out[o + i] = y;
    }
  }
}

/**
 * With x̂ = (x − μ)·rstd and g = dy·w: dx += rstd·(g − mean(g) − x̂·mean(g·x̂)),
 * dw += Σ_rows dy·x̂, db += Σ_rows dy.
 */
export function layerNormBackward(
  x: Float32Array,
  dy: Float32Array,
  rows: number,
  cols: number,
  weight: Float32Array | null,
  mean: Float32Array,
  rstd: Float32Array,
  dx: Float32Array | null,
  dWeight: Float32Array | null,
  dBias: Float32Array | null,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    const mu = mean[r]!;
    const rs = rstd[r]!;
    let sumG = 0;
    let sumGX = 0;
    for (let i = 0; i < cols; i++) {
      const xh = (x[o + i]! - mu) * rs;
      const d = dy[o + i]!;
      const g = weight ? d * weight[i]! : d;
      sumG += g;
      sumGX += g * xh;
      if (dWeight) dWeight[i]! += d * xh;
      if (dBias) dBias[i]! += d;
    }
    if (!dx) continue;
    const mg = sumG / cols;
    const mgx = sumGX / cols;
    for (let i = 0; i < cols; i++) {
      const xh = (x[o + i]! - mu) * rs;
      const g = weight ? dy[o + i]! * weight[i]! : dy[o + i]!;
      dx[o + i]! += rs * (g - mg - xh * mgx);
    }
  }
}

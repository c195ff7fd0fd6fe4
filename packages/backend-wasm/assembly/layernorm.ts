// Fused layer normalisation over rows (Ba, Kiros & Hinton 2016) in f32x4, forward and backward.

import { hsum } from './simd-math';

/**
 * out = (x − μ)·rstd·w + b per row of `cols` floats, saving μ and rstd = 1/√(σ² + eps) (σ²
 * biased) per row. `weight` and `bias` are 0 when absent.
 */
export function layerNorm(
  x: usize, rows: i32, cols: i32, weight: usize, bias: usize, eps: f32, out: usize, mean: usize, rstd: usize,
): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    let s = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= cols; i += 4) s = f32x4.add(s, v128.load(x + (<usize>i << 2)));
    let sum = <f64>hsum(s);
    for (; i < cols; i++) sum += <f64>load<f32>(x + (<usize>i << 2));
    const mu = <f32>(sum / cols);
    const mv = f32x4.splat(mu);
    let q = f32x4.splat(0);
    i = 0;
    for (; i + 4 <= cols; i += 4) {
      const d = f32x4.sub(v128.load(x + (<usize>i << 2)), mv);
      q = f32x4.add(q, f32x4.mul(d, d));
    }
    let vsum = <f64>hsum(q);
    for (; i < cols; i++) {
      const d = <f64>(load<f32>(x + (<usize>i << 2)) - mu);
      vsum += d * d;
    }
    const rs = <f32>(1 / Math.sqrt(vsum / cols + <f64>eps));
    store<f32>(mean + (<usize>r << 2), mu);
    store<f32>(rstd + (<usize>r << 2), rs);
    const rv = f32x4.splat(rs);
    i = 0;
    for (; i + 4 <= cols; i += 4) {
      const at = <usize>i << 2;
      let y = f32x4.mul(f32x4.sub(v128.load(x + at), mv), rv);
      if (weight) y = f32x4.mul(y, v128.load(weight + at));
      if (bias) y = f32x4.add(y, v128.load(bias + at));
      v128.store(out + at, y);
    }
    for (; i < cols; i++) {
      const at = <usize>i << 2;
      let y = (load<f32>(x + at) - mu) * rs;
      if (weight) y *= load<f32>(weight + at);
      if (bias) y += load<f32>(bias + at);
      store<f32>(out + at, y);
    }
    x += stride;
    out += stride;
  }
}

/**
 * With x̂ = (x − μ)·rstd and g = dy·w: dx += rstd·(g − mean(g) − x̂·mean(g·x̂)),
 * dw += Σ_rows dy·x̂, db += Σ_rows dy. Any of weight, dx, dWeight, dBias may be 0 (absent).
 */
export function layerNormBackward(
  x: usize, dy: usize, rows: i32, cols: i32, weight: usize, mean: usize, rstd: usize,
  dx: usize, dWeight: usize, dBias: usize,
): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const mv = v128.load32_splat(mean + (<usize>r << 2));
    const rv = v128.load32_splat(rstd + (<usize>r << 2));
    const mu = f32x4.extract_lane(mv, 0);
    const rs = f32x4.extract_lane(rv, 0);
    let sg = f32x4.splat(0), sgx = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const at = <usize>i << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(x + at), mv), rv);
      const d = v128.load(dy + at);
      const g = weight ? f32x4.mul(d, v128.load(weight + at)) : d;
      sg = f32x4.add(sg, g);
      sgx = f32x4.add(sgx, f32x4.mul(g, xh));
      if (dWeight) v128.store(dWeight + at, f32x4.add(v128.load(dWeight + at), f32x4.mul(d, xh)));
      if (dBias) v128.store(dBias + at, f32x4.add(v128.load(dBias + at), d));
    }
    let sumG = hsum(sg), sumGX = hsum(sgx);
    for (; i < cols; i++) {
      const at = <usize>i << 2;
      const xh = (load<f32>(x + at) - mu) * rs;
      const d = load<f32>(dy + at);
      const g = weight ? d * load<f32>(weight + at) : d;
      sumG += g;
      sumGX += g * xh;
      if (dWeight) store<f32>(dWeight + at, load<f32>(dWeight + at) + d * xh);
      if (dBias) store<f32>(dBias + at, load<f32>(dBias + at) + d);
    }
    if (dx) {
      const mg = f32x4.splat(sumG / <f32>cols);
      const mgx = f32x4.splat(sumGX / <f32>cols);
      i = 0;
      for (; i + 4 <= cols; i += 4) {
        const at = <usize>i << 2;
        const xh = f32x4.mul(f32x4.sub(v128.load(x + at), mv), rv);
        const d = v128.load(dy + at);
        const g = weight ? f32x4.mul(d, v128.load(weight + at)) : d;
        const t = f32x4.sub(f32x4.sub(g, mg), f32x4.mul(xh, mgx));
        v128.store(dx + at, f32x4.add(v128.load(dx + at), f32x4.mul(rv, t)));
      }
      const mgs = sumG / <f32>cols, mgxs = sumGX / <f32>cols;
      for (; i < cols; i++) {
        const at = <usize>i << 2;
        const xh = (load<f32>(x + at) - mu) * rs;
        const d = load<f32>(dy + at);
        const g = weight ? d * load<f32>(weight + at) : d;
        store<f32>(dx + at, load<f32>(dx + at) + rs * (g - mgs - xh * mgxs));
      }
      dx += stride;
    }
    x += stride;
    dy += stride;
  }
}

// Optimizer updates in place, in f32x4: AdamW (one parameter, or a table of them in one call) and SGD with momentum.

import { vmadd } from './simd-math';

/**
 * torch.optim.AdamW on n floats in place: p ← p(1 − lr·wd); m ← β₁m + (1 − β₁)g;
 * v ← β₂v + (1 − β₂)g²; p ← p − stepSize·m / (√v/√bc₂ + eps), stepSize = lr/bc₁.
 */
export function adamw(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  beta1: f32, beta2: f32, eps: f32, decay: f32, stepSize: f32, sqrtBc2: f32,
): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const c1 = f32x4.splat(1 - beta1), c2 = f32x4.splat(1 - beta2);
  const ev = f32x4.splat(eps), dv = f32x4.splat(decay), sv = f32x4.splat(stepSize);
  const inv = f32x4.splat(1 / sqrtBc2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    const mi = vmadd(b1, v128.load(m + at), f32x4.mul(c1, gi));
    const vi = vmadd(b2, v128.load(v + at), f32x4.mul(f32x4.mul(c2, gi), gi));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const denom = vmadd(f32x4.sqrt(vi), inv, ev);
    v128.store(p + at, f32x4.sub(f32x4.mul(v128.load(p + at), dv), f32x4.div(f32x4.mul(sv, mi), denom)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    const mi = beta1 * load<f32>(m + at) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(v + at) + (1 - beta2) * gi * gi;
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(p + at, load<f32>(p + at) * decay - (stepSize * mi) / (Mathf.sqrt(vi) / sqrtBc2 + eps));
  }
}

/** Bytes of one row of the `adamwMany` table: p, g, m, v, n as i32, then decay and stepSize as f32, and a pad. */
const ADAMW_ROW: usize = 32;

/**
 * `adamw` over `rows` rows of a table (ADAMW_ROW bytes each: p, g, m, v, n, decay, stepSize): an
 * optimizer step over all parameters in one call. Rows cut a parameter at multiples of four
 * floats, so every float takes the same path (vector or tail) as in one `adamw` call.
 */
export function adamwMany(table: usize, rows: i32, beta1: f32, beta2: f32, eps: f32, sqrtBc2: f32): void {
  for (let r = 0; r < rows; r++) {
    const row = table + <usize>r * ADAMW_ROW;
    adamw(
      <usize>load<u32>(row), <usize>load<u32>(row, 4), <usize>load<u32>(row, 8), <usize>load<u32>(row, 12),
      load<i32>(row, 16), beta1, beta2, eps, load<f32>(row, 20), load<f32>(row, 24), sqrtBc2,
    );
  }
}

/** torch.optim.SGD (dampening 0) on n floats: d = g + wd·p; buf ← momentum·buf + d (if buf ≠ 0); p ← p − lr·d. */
export function sgd(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, weightDecay: f32): void {
  const lv = f32x4.splat(lr), mv = f32x4.splat(momentum), wv = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const pi = v128.load(p + at);
    let d = vmadd(wv, pi, v128.load(g + at));
    if (buf) {
      d = vmadd(mv, v128.load(buf + at), d);
      v128.store(buf + at, d);
    }
    v128.store(p + at, f32x4.sub(pi, f32x4.mul(lv, d)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const pi = load<f32>(p + at);
    let d = load<f32>(g + at) + weightDecay * pi;
    if (buf) {
      d = momentum * load<f32>(buf + at) + d;
      store<f32>(buf + at, d);
    }
    store<f32>(p + at, pi - lr * d);
  }
}

// Optimizer updates in place, in f32x4: AdamW (one parameter, or a table of them in one call) and SGD with momentum.

import { vmadd } from './simd-math';

// Denormals: a float32 below 2⁻¹²⁶ in magnitude costs some 150 cycles in a multiply, division or
// square root on x86 (WebAssembly keeps IEEE gradual underflow: no flush-to-zero), and optimizer
// state goes there: a moment whose gradient stays 0 (a pixel blank in almost every image, a dead
// ReLU) decays by β₁ (or SGD's momentum) each step until it sticks a few ulps above 0. Groups of
// four floats whose moments or momentum buffer are tiny take another path for the operations such
// values meet: the products with them and AdamW's division, done in float64 and rounded to
// float32. A product of two floats is exact in float64 and a quotient rounded first to float64
// and then to float32 is the float32 quotient (53 ≥ 2·24 + 2 bits), denormal results included, so
// both paths give the same bits and only speed chooses between them; sums and denormal inputs to a
// sum cost nothing extra.

/**
 * 0x7fffffff, and 2⁻¹⁰⁰'s bits + 0x7fffffff: for float bits b, (b & 0x7fffffff) + 0x7fffffff as a
 * signed integer is below the second exactly when 0 < |x| < 2⁻¹⁰⁰ (±0 wraps to the top).
 */
const TINY = memory.data<i32>([0x7fffffff, 0x0d800000 + 0x7fffffff]);

/** a·b for f32x4 `a` and a float `b` given as an f64x2 splat: each product exact in float64, rounded once. */
@inline function mulExact(a: v128, b: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(a), b));
  const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(i64x2.shuffle(a, a, 1, 1)), b));
  return i64x2.shuffle(lo, hi, 0, 2);
}

/** a / b per lane, each quotient in float64 rounded to float32. */
@inline function divExact(a: v128, b: v128): v128 {
  const lo = f64x2.div(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b));
  const hi = f64x2.div(f64x2.promote_low_f32x4(i64x2.shuffle(a, a, 1, 1)), f64x2.promote_low_f32x4(i64x2.shuffle(b, b, 1, 1)));
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/**
 * The vector path's AdamW update of the four floats at byte offset `at`, with the products that
 * meet a moment and the division done as above: the same bits, without the denormal stalls.
 */
function adamwQuadExact(
  p: usize, g: usize, m: usize, v: usize, at: usize,
  beta1: f32, beta2: f32, eps: f32, decay: f32, stepSize: f32, inverse: f32,
): void {
  const gi = v128.load(g + at);
  const mi = f32x4.add(mulExact(v128.load(m + at), f64x2.splat(beta1)), f32x4.mul(f32x4.splat(1 - beta1), gi));
  const g2 = f32x4.mul(f32x4.mul(f32x4.splat(1 - beta2), gi), gi);
  const vi = f32x4.add(mulExact(v128.load(v + at), f64x2.splat(beta2)), g2);
  v128.store(m + at, mi);
  v128.store(v + at, vi);
  const denom = vmadd(f32x4.sqrt(vi), f32x4.splat(inverse), f32x4.splat(eps));
  const update = divExact(mulExact(mi, f64x2.splat(stepSize)), denom);
  v128.store(p + at, f32x4.sub(f32x4.mul(v128.load(p + at), f32x4.splat(decay)), update));
}

/**
 * torch.optim.AdamW on n floats in place: p ← p(1 − lr·wd); m ← β₁m + (1 − β₁)g;
 * v ← β₂v + (1 − β₂)g²; p ← p − stepSize·m / (√v/√bc₂ + eps), stepSize = lr/bc₁. Groups of four
 * floats whose moments are tiny (see above) take a path without denormal stalls: the same results.
 */
export function adamw(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  beta1: f32, beta2: f32, eps: f32, decay: f32, stepSize: f32, sqrtBc2: f32,
): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const c1 = f32x4.splat(1 - beta1), c2 = f32x4.splat(1 - beta2);
  const ev = f32x4.splat(eps), dv = f32x4.splat(decay), sv = f32x4.splat(stepSize);
  const inverse: f32 = 1 / sqrtBc2;
  const inv = f32x4.splat(inverse);
  const abs = v128.load32_splat(TINY), tiny = v128.load32_splat(TINY, 4);
  let i = 0;
  while (true) {
    // The vector path until a group with tiny values, which takes the exact path alone.
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      const gi = v128.load(g + at);
      const m0 = v128.load(m + at);
      const v0 = v128.load(v + at);
      const least = i32x4.min_s(i32x4.add(v128.and(m0, abs), abs), i32x4.add(v128.and(v0, abs), abs));
      if (v128.any_true(i32x4.lt_s(least, tiny))) break;
      const mi = vmadd(b1, m0, f32x4.mul(c1, gi));
      const vi = vmadd(b2, v0, f32x4.mul(f32x4.mul(c2, gi), gi));
      v128.store(m + at, mi);
      v128.store(v + at, vi);
      const denom = vmadd(f32x4.sqrt(vi), inv, ev);
      v128.store(p + at, f32x4.sub(f32x4.mul(v128.load(p + at), dv), f32x4.div(f32x4.mul(sv, mi), denom)));
    }
    if (i + 4 > n) break;
    adamwQuadExact(p, g, m, v, <usize>i << 2, beta1, beta2, eps, decay, stepSize, inverse);
    i += 4;
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

/** The vector path's SGD update of the four floats at byte offset `at` with momentum, its products done as above. */
function sgdQuadExact(p: usize, g: usize, buf: usize, at: usize, lr: f32, momentum: f32, weightDecay: f32): void {
  const pi = v128.load(p + at);
  const d = f32x4.add(
    mulExact(v128.load(buf + at), f64x2.splat(momentum)),
    vmadd(f32x4.splat(weightDecay), pi, v128.load(g + at)),
  );
  v128.store(buf + at, d);
  v128.store(p + at, f32x4.sub(pi, mulExact(d, f64x2.splat(lr))));
}

/**
 * torch.optim.SGD (dampening 0) on n floats: d = g + wd·p; buf ← momentum·buf + d (if buf ≠ 0);
 * p ← p − lr·d. Groups of four whose momentum buffer is tiny (see above) take `sgdQuadExact`.
 */
export function sgd(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, weightDecay: f32): void {
  const lv = f32x4.splat(lr), mv = f32x4.splat(momentum), wv = f32x4.splat(weightDecay);
  let i = 0;
  if (buf) {
    const abs = v128.load32_splat(TINY), tiny = v128.load32_splat(TINY, 4);
    while (true) {
      for (; i + 4 <= n; i += 4) {
        const at = <usize>i << 2;
        const b0 = v128.load(buf + at);
        if (v128.any_true(i32x4.lt_s(i32x4.add(v128.and(b0, abs), abs), tiny))) break;
        const pi = v128.load(p + at);
        const d = vmadd(mv, b0, vmadd(wv, pi, v128.load(g + at)));
        v128.store(buf + at, d);
        v128.store(p + at, f32x4.sub(pi, f32x4.mul(lv, d)));
      }
      if (i + 4 > n) break;
      sgdQuadExact(p, g, buf, <usize>i << 2, lr, momentum, weightDecay);
      i += 4;
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      const pi = v128.load(p + at);
      v128.store(p + at, f32x4.sub(pi, f32x4.mul(lv, vmadd(wv, pi, v128.load(g + at)))));
    }
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

// Elementwise kernels in f32x4: unary functions and their derivatives, powers, broadcast binary ops, where, axpy, optimizers.

import {
  GELU_3K, GELU_C, GELU_K, HALF, INV_SQRT_2PI, MINUS_HALF, ONE, SQRT1_2,
  kv, loadTail, storeTail, vexp, verf, verfWithExp, vmadd, vsigmoid, vtanh,
} from './simd-math';
// Op codes numbered once, in scripts/op-codes.mjs (src/generated/op-codes.ts is the TypeScript side).
import { ADD, DIV, EXP, GELU, GELU_TANH, LOG, MUL, NEG, RELU, SIGMOID, SQRT, SUB, TANH } from './generated/op-codes';


@inline function unaryV(op: i32, x: v128): v128 {
  if (op == NEG) return f32x4.neg(x);
  if (op == EXP) return vexp(x);
  if (op == SQRT) return f32x4.sqrt(x);
  if (op == TANH) return vtanh(x);
  if (op == SIGMOID) return vsigmoid(x);
  if (op == RELU) return v128.and(x, f32x4.gt(x, f32x4.splat(0)));
  if (op == GELU) {
    const half = kv(HALF);
    const cdf = vmadd(verf(f32x4.mul(x, kv(SQRT1_2))), half, half);
    return f32x4.mul(x, cdf);
  }
  // GELU_TANH
  const x3 = f32x4.mul(f32x4.mul(x, x), x);
  const t = vtanh(f32x4.mul(kv(GELU_C), vmadd(x3, kv(GELU_K), x)));
  return f32x4.mul(f32x4.mul(x, kv(HALF)), f32x4.add(t, kv(ONE)));
}

/** Applies op over n floats, four at a time; a tail of fewer than four runs through a padded vector. */
@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, unaryV(op, v128.load(x + at)));
  }
  if (i < n) {
    const at = <usize>i << 2;
    storeTail(out + at, n - i, unaryV(op, loadTail(x + at, n - i, 0)));
  }
}

/** out = f(x) for n floats; `op` is one of the unary codes. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryLoop(NEG, x, out, n); break;
    case EXP: unaryLoop(EXP, x, out, n); break;
    case SQRT: unaryLoop(SQRT, x, out, n); break;
    case TANH: unaryLoop(TANH, x, out, n); break;
    case SIGMOID: unaryLoop(SIGMOID, x, out, n); break;
    case RELU: unaryLoop(RELU, x, out, n); break;
    case GELU: unaryLoop(GELU, x, out, n); break;
    case GELU_TANH: unaryLoop(GELU_TANH, x, out, n); break;
    default: // LOG: no vector logarithm; the scalar one is exact to an ulp.
      for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), Mathf.log(load<f32>(x + (<usize>i << 2))));
  }
}

/** f′(x)·dy for op, from x and y = f(x), four lanes. */
@inline function derivV(op: i32, x: v128, y: v128, dy: v128): v128 {
  if (op == NEG) return f32x4.neg(dy);
  if (op == EXP) return f32x4.mul(dy, y);
  if (op == LOG) return f32x4.div(dy, x);
  if (op == SQRT) return f32x4.div(f32x4.mul(dy, kv(HALF)), y);
  if (op == TANH) return f32x4.mul(dy, f32x4.sub(kv(ONE), f32x4.mul(y, y)));
  if (op == SIGMOID) return f32x4.mul(f32x4.mul(dy, y), f32x4.sub(kv(ONE), y));
  if (op == RELU) return v128.and(dy, f32x4.gt(x, f32x4.splat(0)));
  if (op == GELU) {
    // Φ(x) + x·φ(x)
    // Φ(x) = ½ + ½·erf(x/√2) and φ(x) = e^(−x²/2)/√(2π) share the exponential e^(−(x/√2)²).
    const half = kv(HALF);
    const e = vexp(f32x4.mul(f32x4.mul(x, x), kv(MINUS_HALF)));
    const cdf = vmadd(verfWithExp(f32x4.mul(x, kv(SQRT1_2)), e), half, half);
    const pdf = f32x4.mul(kv(INV_SQRT_2PI), e);
    return f32x4.mul(dy, vmadd(x, pdf, cdf));
  }
  // GELU_TANH: ½(1 + tanh u) + ½x(1 − tanh² u)·u′, u = c(x + kx³)
  const one = kv(ONE), half = kv(HALF), c = kv(GELU_C);
  const x2 = f32x4.mul(x, x);
  const t = vtanh(f32x4.mul(c, vmadd(f32x4.mul(x2, x), kv(GELU_K), x)));
  const du = f32x4.mul(c, vmadd(x2, kv(GELU_3K), one));
  const a = f32x4.mul(half, f32x4.add(t, one));
  const b = f32x4.mul(f32x4.mul(f32x4.mul(half, x), f32x4.sub(one, f32x4.mul(t, t))), du);
  return f32x4.mul(dy, f32x4.add(a, b));
}

@inline function backLoop(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const d = derivV(op, v128.load(x + at), v128.load(y + at), v128.load(dy + at));
    v128.store(dx + at, f32x4.add(v128.load(dx + at), d));
  }
  if (i < n) {
    // Padding lanes get x = y = 1 so that no lane divides by zero.
    const at = <usize>i << 2, t = n - i;
    const d = derivV(op, loadTail(x + at, t, 1), loadTail(y + at, t, 1), loadTail(dy + at, t, 0));
    storeTail(dx + at, t, f32x4.add(loadTail(dx + at, t, 0), d));
  }
}

/** dx += f′(x)·dy for n floats; y = f(x). */
export function unaryBackward(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  switch (op) {
    case NEG: backLoop(NEG, x, y, dy, dx, n); break;
    case EXP: backLoop(EXP, x, y, dy, dx, n); break;
    case LOG: backLoop(LOG, x, y, dy, dx, n); break;
    case SQRT: backLoop(SQRT, x, y, dy, dx, n); break;
    case TANH: backLoop(TANH, x, y, dy, dx, n); break;
    case SIGMOID: backLoop(SIGMOID, x, y, dy, dx, n); break;
    case RELU: backLoop(RELU, x, y, dy, dx, n); break;
    case GELU: backLoop(GELU, x, y, dy, dx, n); break;
    default: backLoop(GELU_TANH, x, y, dy, dx, n);
  }
}

/** out = x^p for n floats, with exact fast paths for p = 2, ½, −1. */
export function powScalar(x: usize, p: f32, out: usize, n: i32): void {
  let i = 0;
  if (p == 2 || p == 0.5 || p == -1) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      const v = v128.load(x + at);
      const r = p == 2 ? f32x4.mul(v, v) : p == 0.5 ? f32x4.sqrt(v) : f32x4.div(f32x4.splat(1), v);
      v128.store(out + at, r);
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const v = load<f32>(x + at);
    store<f32>(out + at, p == 2 ? v * v : p == 0.5 ? Mathf.sqrt(v) : p == -1 ? 1 / v : Mathf.pow(v, p));
  }
}

/** dx += p·x^(p−1)·dy for n floats. */
export function powScalarBackward(x: usize, p: f32, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  if (p == 2 || p == 1) {
    const c = f32x4.splat(p == 2 ? 2 : 0);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      const d = v128.load(dy + at);
      const g = p == 2 ? f32x4.mul(f32x4.mul(c, v128.load(x + at)), d) : d;
      v128.store(dx + at, f32x4.add(v128.load(dx + at), g));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const v = load<f32>(x + at);
    const d = load<f32>(dy + at);
    const g: f32 = p == 2 ? <f32>2 * v * d : p == 1 ? d : p * Mathf.pow(v, p - 1) * d;
    store<f32>(dx + at, load<f32>(dx + at) + g);
  }
}


@inline function binV(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

@inline function binS(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

/**
 * One row: out[i] (+)= a[i·sa] ∘ b[i·sb] for i < n, with sa, sb ∈ {0, 1} taking vector paths
 * (a stride of 0 repeats one value) and any other strides a scalar loop.
 */
@inline function binRow(op: i32, acc: bool, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      let r = binV(op, v128.load(a + at), v128.load(b + at));
      if (acc) r = f32x4.add(v128.load(out + at), r);
      v128.store(out + at, r);
    }
  } else if (sa == 1 && sb == 0) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      let r = binV(op, v128.load(a + at), bv);
      if (acc) r = f32x4.add(v128.load(out + at), r);
      v128.store(out + at, r);
    }
  } else if (sa == 0 && sb == 1) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      let r = binV(op, av, v128.load(b + at));
      if (acc) r = f32x4.add(v128.load(out + at), r);
      v128.store(out + at, r);
    }
  }
  for (; i < n; i++) {
    const r = binS(op, load<f32>(a + (<usize>(i * sa) << 2)), load<f32>(b + (<usize>(i * sb) << 2)));
    const at = out + (<usize>i << 2);
    store<f32>(at, acc ? load<f32>(at) + r : r);
  }
}

@inline function binLoop(
  op: i32, acc: bool, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32,
): void {
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      let pa = a + (<usize>(i0 * sa0 + i1 * sa1) << 2);
      let pb = b + (<usize>(i0 * sb0 + i1 * sb1) << 2);
      for (let i2 = 0; i2 < d2; i2++) {
        binRow(op, acc, pa, sa3, pb, sb3, out, d3);
        out += <usize>d3 << 2;
        pa += <usize>sa2 << 2;
        pb += <usize>sb2 << 2;
      }
    }
  }
}

/**
 * out (+)= a ∘ b over a 4-level loop nest (d0, d1, d2, d3), innermost last: out is contiguous,
 * and a and b advance by their own strides (in floats, 0 where broadcast) at each level.
 */
export function binary(
  op: i32, acc: bool, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32,
): void {
  if (acc) {
    switch (op) {
      case ADD: binLoop(ADD, true, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      case SUB: binLoop(SUB, true, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      case MUL: binLoop(MUL, true, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      default: binLoop(DIV, true, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
    }
  } else {
    switch (op) {
      case ADD: binLoop(ADD, false, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      case SUB: binLoop(SUB, false, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      case MUL: binLoop(MUL, false, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      default: binLoop(DIV, false, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
    }
  }
}

/** out = cond ≠ 0 ? a : b over the same 4-level nest as `binary`, each operand with its strides. */
export function where(
  cond: usize, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32,
  sc0: i32, sc1: i32, sc2: i32, sc3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32,
  sb0: i32, sb1: i32, sb2: i32, sb3: i32,
): void {
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      let pc = cond + (<usize>(i0 * sc0 + i1 * sc1) << 2);
      let pa = a + (<usize>(i0 * sa0 + i1 * sa1) << 2);
      let pb = b + (<usize>(i0 * sb0 + i1 * sb1) << 2);
      for (let i2 = 0; i2 < d2; i2++) {
        let i = 0;
        if ((sc3 | 1) == 1 && (sa3 | 1) == 1 && (sb3 | 1) == 1) {
          // Every stride is 0 or 1: a stride-0 operand is a splat, loaded once per row.
          const cs = v128.load32_splat(pc), as = v128.load32_splat(pa), bs = v128.load32_splat(pb);
          for (; i + 4 <= d3; i += 4) {
            const at = <usize>i << 2;
            const c = sc3 ? v128.load(pc + at) : cs;
            const av = sa3 ? v128.load(pa + at) : as;
            const bv = sb3 ? v128.load(pb + at) : bs;
            v128.store(out + at, v128.bitselect(bv, av, f32x4.eq(c, f32x4.splat(0))));
          }
        }
        for (; i < d3; i++) {
          const c = load<f32>(pc + (<usize>(i * sc3) << 2));
          const v = c != 0 ? load<f32>(pa + (<usize>(i * sa3) << 2)) : load<f32>(pb + (<usize>(i * sb3) << 2));
          store<f32>(out + (<usize>i << 2), v);
        }
        out += <usize>d3 << 2;
        pc += <usize>sc2 << 2;
        pa += <usize>sa2 << 2;
        pb += <usize>sb2 << 2;
      }
    }
  }
}

/** y += alpha·x for n floats. */
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, vmadd(av, v128.load(x + at), v128.load(y + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, load<f32>(y + at) + alpha * load<f32>(x + at));
  }
}

/** x ← alpha·x for n floats. */
export function scale(x: usize, alpha: f32, n: i32): void {
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(x + at, f32x4.mul(v128.load(x + at), av));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(x + at, load<f32>(x + at) * alpha);
  }
}

/** Σ x² over n floats, squared and summed in float64. */
export function sumSquares(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    total += v * v;
  }
  return total;
}

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

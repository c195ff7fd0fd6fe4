// Elementwise kernels in f32x4: unary functions and their derivatives, powers, axpy, scale and the sum of squares.

import {
  GELU_3K, GELU_C, GELU_K, HALF, INV_SQRT_2PI, ONE, SQRT1_2,
  kv, loadTail, storeTail, vexp, verf, verfWithExp, vmadd, vsigmoid, vtanh,
} from './simd-math';
// Op codes numbered once, in scripts/op-codes.mjs (src/generated/op-codes.ts is the TypeScript side).
import { EXP, GELU, GELU_TANH, LOG, NEG, RELU, SIGMOID, SQRT, TANH } from './generated/op-codes';


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

/**
 * Applies op over n floats, four at a time; a tail of fewer than four runs through a padded vector.
 * Four independent vectors a step: an exponential is a chain of some twenty dependent operations,
 * and one vector at a time left the core waiting on it (exp, GELU and tanh got 1.3–1.5× faster).
 */
@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const at = <usize>i << 2;
    const y0 = unaryV(op, v128.load(x + at));
    const y1 = unaryV(op, v128.load(x + at, 16));
    const y2 = unaryV(op, v128.load(x + at, 32));
    const y3 = unaryV(op, v128.load(x + at, 48));
    v128.store(out + at, y0);
    v128.store(out + at, y1, 16);
    v128.store(out + at, y2, 32);
    v128.store(out + at, y3, 48);
  }
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
  return f32x4.mul(dy, geluDerivV(op, x));
}

/** GELU's f′(x) = Φ(x) + x·φ(x), given Φ(x) and e = e^(−z²), z = x/√2, for φ(x) = e/√(2π). */
@inline function geluDerivFrom(x: v128, cdf: v128, e: v128): v128 {
  return vmadd(x, f32x4.mul(kv(INV_SQRT_2PI), e), cdf);
}

/** The tanh form's f′(x) = ½(1 + tanh u) + ½x(1 − tanh² u)·u′, u = c(x + kx³), given x² and t = tanh u. */
@inline function geluTanhDerivFrom(x: v128, x2: v128, t: v128): v128 {
  const one = kv(ONE), half = kv(HALF);
  const du = f32x4.mul(kv(GELU_C), vmadd(x2, kv(GELU_3K), one));
  const a = f32x4.mul(half, f32x4.add(t, one));
  const b = f32x4.mul(f32x4.mul(f32x4.mul(half, x), f32x4.sub(one, f32x4.mul(t, t))), du);
  return f32x4.add(a, b);
}

/**
 * f′(x) of GELU (`op` GELU) or of its tanh form (GELU_TANH), four lanes. GELU's takes Φ(x) = ½ + ½·erf(z)
 * and the exponential e^(−z²), z = x/√2, as the forward pass computes them.
 */
@inline function geluDerivV(op: i32, x: v128): v128 {
  if (op == GELU) {
    const z = f32x4.mul(x, kv(SQRT1_2));
    const e = vexp(f32x4.neg(f32x4.mul(z, z)));
    return geluDerivFrom(x, vmadd(verfWithExp(z, e), kv(HALF), kv(HALF)), e);
  }
  const x2 = f32x4.mul(x, x);
  return geluTanhDerivFrom(x, x2, vtanh(f32x4.mul(kv(GELU_C), vmadd(f32x4.mul(x2, x), kv(GELU_K), x))));
}

/**
 * Stores f(x) at `out` and f′(x) at `deriv` for a GELU, four lanes, with the bits of unaryV and geluDerivV: the
 * work the two share (Φ(x) with its exponential; tanh u for the tanh form) done once.
 */
@inline function geluWithDerivV(op: i32, x: v128, out: usize, deriv: usize): void {
  if (op == GELU) {
    const z = f32x4.mul(x, kv(SQRT1_2));
    const e = vexp(f32x4.neg(f32x4.mul(z, z)));
    const cdf = vmadd(verfWithExp(z, e), kv(HALF), kv(HALF));
    v128.store(out, f32x4.mul(x, cdf));
    v128.store(deriv, geluDerivFrom(x, cdf, e));
    return;
  }
  const x2 = f32x4.mul(x, x);
  const t = vtanh(f32x4.mul(kv(GELU_C), vmadd(f32x4.mul(x2, x), kv(GELU_K), x)));
  v128.store(out, f32x4.mul(f32x4.mul(x, kv(HALF)), f32x4.add(t, kv(ONE))));
  v128.store(deriv, geluTanhDerivFrom(x, x2, t));
}

/** unaryWithDerivative's loop, four vectors a step as `unaryLoop`'s. */
@inline function geluWithDerivLoop(op: i32, x: usize, out: usize, deriv: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const at = <usize>i << 2;
    geluWithDerivV(op, v128.load(x + at), out + at, deriv + at);
    geluWithDerivV(op, v128.load(x + at, 16), out + at + 16, deriv + at + 16);
    geluWithDerivV(op, v128.load(x + at, 32), out + at + 32, deriv + at + 32);
    geluWithDerivV(op, v128.load(x + at, 48), out + at + 48, deriv + at + 48);
  }
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    geluWithDerivV(op, v128.load(x + at), out + at, deriv + at);
  }
  if (i < n) {
    // Fewer than four floats: f and f′ each through a padded vector, the same bits.
    const at = <usize>i << 2, t = n - i;
    const v = loadTail(x + at, t, 0);
    storeTail(out + at, t, unaryV(op, v));
    storeTail(deriv + at, t, geluDerivV(op, v));
  }
}

/**
 * out = f(x) and deriv = f′(x) for n floats of GELU (`op` GELU) or its tanh form (GELU_TANH), the bits of `unary`
 * and of the factor `unaryBackward` multiplies dy by: a training step's GELU computes its derivative with the
 * function, and its backward is one product, dy·f′(x).
 */
export function unaryWithDerivative(op: i32, x: usize, out: usize, deriv: usize, n: i32): void {
  if (op == GELU) geluWithDerivLoop(GELU, x, out, deriv, n);
  else geluWithDerivLoop(GELU_TANH, x, out, deriv, n);
}

@inline function backLoop(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, acc: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const d = derivV(op, v128.load(x + at), v128.load(y + at), v128.load(dy + at));
    v128.store(dx + at, acc ? f32x4.add(v128.load(dx + at), d) : d);
  }
  if (i < n) {
    // Padding lanes get x = y = 1 so that no lane divides by zero.
    const at = <usize>i << 2, t = n - i;
    const d = derivV(op, loadTail(x + at, t, 1), loadTail(y + at, t, 1), loadTail(dy + at, t, 0));
    storeTail(dx + at, t, acc ? f32x4.add(loadTail(dx + at, t, 0), d) : d);
  }
}

/** dx += f′(x)·dy for n floats (dx = f′(x)·dy when `acc` is 0); y = f(x). */
export function unaryBackward(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, acc: i32): void {
  const add = acc != 0;
  switch (op) {
    case NEG: backLoop(NEG, x, y, dy, dx, n, add); break;
    case EXP: backLoop(EXP, x, y, dy, dx, n, add); break;
    case LOG: backLoop(LOG, x, y, dy, dx, n, add); break;
    case SQRT: backLoop(SQRT, x, y, dy, dx, n, add); break;
    case TANH: backLoop(TANH, x, y, dy, dx, n, add); break;
    case SIGMOID: backLoop(SIGMOID, x, y, dy, dx, n, add); break;
    case RELU: backLoop(RELU, x, y, dy, dx, n, add); break;
    case GELU: backLoop(GELU, x, y, dy, dx, n, add); break;
    default: backLoop(GELU_TANH, x, y, dy, dx, n, add);
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

/** Zeroes `bytes` bytes from `p` (bulk memory: a memset, several times faster than a typed array's fill). */
export function zeroFill(p: usize, bytes: usize): void {
  memory.fill(p, 0, bytes);
}

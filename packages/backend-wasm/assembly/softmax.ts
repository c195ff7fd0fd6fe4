// Row-wise softmax, log-softmax and softmax cross-entropy in f32x4, each max-subtracted so no row overflows.

import { hmax, hsum, loadTail, storeTail, vexp } from './simd-math';

/**
 * Largest of n floats, −∞ for an empty row. NaNs are passed over, as by the CPU backend's
 * `if (x > max)`; they still make the row's sum, and so the whole row, NaN.
 */
@inline function rowMax(x: usize, n: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let i = 0;
  // pmax(m, x) = m < x ? x : m: a NaN x leaves m as it was.
  for (; i + 4 <= n; i += 4) m = f32x4.pmax(m, v128.load(x + (<usize>i << 2)));
  let r = hmax(m);
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v > r) r = v;
  }
  return r;
}

/** out[i] = e^(x[i] − shift) for n floats; returns Σ out, in float64. */
@inline function expShifted(x: usize, shift: f32, out: usize, n: i32, write: bool): f64 {
  const sv = f32x4.splat(shift);
  let s = f32x4.splat(0);
  let total: f64 = 0;
  let i = 0;
  // Four exponentials at a time (independent chains, as in elementwise.ts's unaryLoop), added in order.
  for (; i + 16 <= n; i += 16) {
    const at = <usize>i << 2;
    const e0 = vexp(f32x4.sub(v128.load(x + at), sv));
    const e1 = vexp(f32x4.sub(v128.load(x + at, 16), sv));
    const e2 = vexp(f32x4.sub(v128.load(x + at, 32), sv));
    const e3 = vexp(f32x4.sub(v128.load(x + at, 48), sv));
    if (write) {
      v128.store(out + at, e0);
      v128.store(out + at, e1, 16);
      v128.store(out + at, e2, 32);
      v128.store(out + at, e3, 48);
    }
    s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(s, e0), e1), e2), e3);
    // The flush below, after the same element (i + 12 is 1020 mod 1024).
    if ((i & 1023) == 1008) {
      total += <f64>hsum(s);
      s = f32x4.splat(0);
    }
  }
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const e = vexp(f32x4.sub(v128.load(x + at), sv));
    if (write) v128.store(out + at, e);
    s = f32x4.add(s, e);
    // Flush the vector sum every 1024 elements so long rows keep float64 accuracy.
    if ((i & 1023) == 1020) {
      total += <f64>hsum(s);
      s = f32x4.splat(0);
    }
  }
  total += <f64>hsum(s);
  if (i < n) {
    // Padding lanes hold −∞, whose exponential 0 adds nothing to the sum.
    const at = <usize>i << 2;
    const e = vexp(f32x4.sub(loadTail(x + at, n - i, -Infinity), sv));
    if (write) storeTail(out + at, n - i, e);
    total += <f64>hsum(e);
  }
  return total;
}

/** out[i] = x[i]·c for n floats (in place when out = x). */
@inline function scaleRow(x: usize, c: f32, out: usize, n: i32): void {
  const cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, f32x4.mul(v128.load(x + at), cv));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, load<f32>(x + at) * c);
  }
}

/** out row = e^(x − max) / Σ e^(x − max) for each of `rows` rows of `cols` floats. */
export function softmax(x: usize, rows: i32, cols: i32, out: usize): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    let m = rowMax(x, cols);
    // A fully masked row: e^(−∞ − 0) = 0 everywhere, then 0/0 = NaN, as in PyTorch.
    if (m == -Infinity) m = 0;
    const sum = expShifted(x, m, out, cols, true);
    scaleRow(out, <f32>(1 / sum), out, cols);
    x += stride;
    out += stride;
  }
}

/** dx += y ⊙ (dy − Σ dy ⊙ y), row by row. */
export function softmaxBackward(y: usize, dy: usize, rows: i32, cols: i32, dx: usize): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    let s = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const at = <usize>i << 2;
      s = f32x4.add(s, f32x4.mul(v128.load(dy + at), v128.load(y + at)));
    }
    let dot = hsum(s);
    for (; i < cols; i++) dot += load<f32>(dy + (<usize>i << 2)) * load<f32>(y + (<usize>i << 2));
    const dv = f32x4.splat(dot);
    i = 0;
    for (; i + 4 <= cols; i += 4) {
      const at = <usize>i << 2;
      const g = f32x4.mul(v128.load(y + at), f32x4.sub(v128.load(dy + at), dv));
      v128.store(dx + at, f32x4.add(v128.load(dx + at), g));
    }
    for (; i < cols; i++) {
      const at = <usize>i << 2;
      store<f32>(dx + at, load<f32>(dx + at) + load<f32>(y + at) * (load<f32>(dy + at) - dot));
    }
    y += stride;
    dy += stride;
    dx += stride;
  }
}

/**
 * Attention's scale + causal mask + softmax: x is (rows, Tk), row r is query r mod T (at position
 * Tk − T + r mod T) and gets softmax(scale·x) over keys 0..that position, 0 beyond. A thread's
 * share of rows starts at a multiple of T, so r mod T is the query wherever the share starts.
 */
export function causalSoftmax(x: usize, rows: i32, T: i32, Tk: i32, scale: f32, out: usize): void {
  const stride = <usize>Tk << 2;
  const past = Tk - T;
  for (let r = 0; r < rows; r++) {
    const n = past + (r % T) + 1;
    scaleRow(x, scale, out, n);
    let m = rowMax(out, n);
    if (m == -Infinity) m = 0;
    const sum = expShifted(out, m, out, n, true);
    scaleRow(out, <f32>(1 / sum), out, n);
    memory.fill(out + (<usize>n << 2), 0, <usize>(Tk - n) << 2);
    x += stride;
    out += stride;
  }
}

/**
 * dx += scale·y ⊙ (dy − Σ dy ⊙ y) over the keys each row of `causalSoftmax` sees; with `acc` 0,
 * dx = that over those keys and 0 beyond, every element written.
 */
export function causalSoftmaxBackward(y: usize, dy: usize, rows: i32, T: i32, Tk: i32, scale: f32, dx: usize, acc: i32): void {
  const stride = <usize>Tk << 2;
  const past = Tk - T;
  const sv = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const n = past + (r % T) + 1;
    let s = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      s = f32x4.add(s, f32x4.mul(v128.load(dy + at), v128.load(y + at)));
    }
    let dot = hsum(s);
    for (; i < n; i++) dot += load<f32>(dy + (<usize>i << 2)) * load<f32>(y + (<usize>i << 2));
    const dv = f32x4.splat(dot);
    i = 0;
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      const g = f32x4.mul(sv, f32x4.mul(v128.load(y + at), f32x4.sub(v128.load(dy + at), dv)));
      v128.store(dx + at, acc ? f32x4.add(v128.load(dx + at), g) : g);
    }
    for (; i < n; i++) {
      const at = <usize>i << 2;
      const g = scale * (load<f32>(y + at) * (load<f32>(dy + at) - dot));
      store<f32>(dx + at, acc ? load<f32>(dx + at) + g : g);
    }
    if (!acc) for (; i < Tk; i++) store<f32>(dx + (<usize>i << 2), 0);
    y += stride;
    dy += stride;
    dx += stride;
  }
}

/** log Σ e^x over a row as max + log Σ e^(x − max); ±∞ when the max is. */
@inline function logSumExp(x: usize, cols: i32): f64 {
  const m = rowMax(x, cols);
  if (m == -Infinity || m == Infinity) return <f64>m;
  return <f64>m + Math.log(expShifted(x, m, 0, cols, false));
}

/** out row = x − logsumexp(x). */
export function logSoftmax(x: usize, rows: i32, cols: i32, out: usize): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const lse = <f32>logSumExp(x, cols);
    const lv = f32x4.splat(lse);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const at = <usize>i << 2;
      v128.store(out + at, f32x4.sub(v128.load(x + at), lv));
    }
    for (; i < cols; i++) {
      const at = <usize>i << 2;
      store<f32>(out + at, load<f32>(x + at) - lse);
    }
    x += stride;
    out += stride;
  }
}

/** dx += dy − e^y·Σ dy per row (e^y is the softmax). */
export function logSoftmaxBackward(y: usize, dy: usize, rows: i32, cols: i32, dx: usize): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    let s = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= cols; i += 4) s = f32x4.add(s, v128.load(dy + (<usize>i << 2)));
    let sum = hsum(s);
    for (; i < cols; i++) sum += load<f32>(dy + (<usize>i << 2));
    const sv = f32x4.splat(sum);
    i = 0;
    for (; i + 4 <= cols; i += 4) {
      const at = <usize>i << 2;
      const g = f32x4.sub(v128.load(dy + at), f32x4.mul(vexp(v128.load(y + at)), sv));
      v128.store(dx + at, f32x4.add(v128.load(dx + at), g));
    }
    for (; i < cols; i++) {
      const at = <usize>i << 2;
      store<f32>(dx + at, load<f32>(dx + at) + load<f32>(dy + at) - Mathf.exp(load<f32>(y + at)) * sum);
    }
    y += stride;
    dy += stride;
    dx += stride;
  }
}

/**
 * Softmax cross-entropy: writes each row's logsumexp into `lse` (all rows) and returns Σ over rows
 * whose target (Int32 at `targets`) is not `ignoreIndex` of lse − row[target].
 */
export function crossEntropy(logits: usize, rows: i32, cols: i32, targets: usize, ignoreIndex: i32, lse: usize): f64 {
  const stride = <usize>cols << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const l = logSumExp(logits, cols);
    store<f32>(lse + (<usize>r << 2), <f32>l);
    const t = load<i32>(targets + (<usize>r << 2));
    if (t != ignoreIndex) total += l - <f64>load<f32>(logits + (<usize>t << 2));
    logits += stride;
  }
  return total;
}

/**
 * dlogits += scale·(softmax − onehot(target)) on rows whose target is not `ignoreIndex`, the
 * softmax recomputed as e^(logit − lse).
 */
export function crossEntropyBackward(
  logits: usize, lse: usize, rows: i32, cols: i32, targets: usize, ignoreIndex: i32, scale: f32, dx: usize,
): void {
  const stride = <usize>cols << 2;
  const sv = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + (<usize>r << 2));
    if (t != ignoreIndex) {
      const lv = v128.load32_splat(lse + (<usize>r << 2));
      let i = 0;
      for (; i + 4 <= cols; i += 4) {
        const at = <usize>i << 2;
        const p = vexp(f32x4.sub(v128.load(logits + at), lv));
        v128.store(dx + at, f32x4.add(v128.load(dx + at), f32x4.mul(sv, p)));
      }
      if (i < cols) {
        const at = <usize>i << 2, n = cols - i;
        const p = vexp(f32x4.sub(loadTail(logits + at, n, 0), lv));
        storeTail(dx + at, n, f32x4.add(loadTail(dx + at, n, 0), f32x4.mul(sv, p)));
      }
      const at = dx + (<usize>t << 2);
      store<f32>(at, load<f32>(at) - scale);
    }
    logits += stride;
    dx += stride;
  }
}

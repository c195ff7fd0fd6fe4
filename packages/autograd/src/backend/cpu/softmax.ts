// Row-wise softmax, log-softmax and fused softmax cross-entropy, each max-subtracted so no row overflows.

/** out row = exp(x − max) / Σ exp(x − max). */
export function softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let max = -Infinity;
    for (let i = 0; i < cols; i++) if (x[o + i]! > max) max = x[o + i]!;
    if (max === -Infinity) max = 0; // a fully masked row: exp(−∞ − 0) = 0 everywhere, then 0/0 = NaN as in PyTorch
    let sum = 0;
    for (let i = 0; i < cols; i++) {
      const e = Math.exp(x[o + i]! - max);
      out[o + i] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let i = 0; i < cols; i++) out[o + i]! *= inv;
  }
}

/** dx += y ⊙ (dy − Σ dy ⊙ y), row by row. */
export function softmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number, dx: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let dot = 0;
    for (let i = 0; i < cols; i++) dot += dy[o + i]! * y[o + i]!;
    for (let i = 0; i < cols; i++) dx[o + i]! += y[o + i]! * (dy[o + i]! - dot);
  }
}

/**
 * Attention's fused softmax: x is (rows, Tk) with rows = batch·T, row r the query r mod T, which
 * sits at position Tk − T + (r mod T) and sees keys up to it. out row = softmax(scale·x) over the
 * keys it sees, 0 beyond: the same bits as x·scale, masked with −∞, then `softmax`.
 */
export function causalSoftmax(
  x: Float32Array,
  rows: number,
  T: number,
  Tk: number,
  scale: number,
  out: Float32Array,
): void {
  const past = Tk - T;
  const s = Math.fround(scale); // as a float32 tensor of the scale would hold it
  for (let r = 0, o = 0; r < rows; r++, o += Tk) {
    const n = past + (r % T) + 1;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = Math.fround(x[o + i]! * s);
      if (t > max) max = t;
    }
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(Math.fround(x[o + i]! * s) - max);
      out[o + i] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let i = 0; i < n; i++) out[o + i]! *= inv;
    out.fill(0, o + n, o + Tk);
  }
}

/** dx += scale·y ⊙ (dy − Σ dy ⊙ y) over the keys each row sees (dx beyond them gets nothing: y is 0 there). */
export function causalSoftmaxBackward(
  y: Float32Array,
  dy: Float32Array,
  rows: number,
  T: number,
  Tk: number,
  scale: number,
  dx: Float32Array,
  accumulate = true,
): void {
  if (!accumulate) dx.fill(0);
  const past = Tk - T;
  const s = Math.fround(scale);
  for (let r = 0, o = 0; r < rows; r++, o += Tk) {
    const n = past + (r % T) + 1;
    let dot = 0;
    for (let i = 0; i < n; i++) dot += dy[o + i]! * y[o + i]!;
    // Rounded where the composed ops round (softmax's gradient is a float32 tensor before the scale).
    for (let i = 0; i < n; i++) dx[o + i]! += Math.fround(y[o + i]! * (dy[o + i]! - dot)) * s;
  }
}

/** log Σ exp(x[o..o+cols)) computed as max + log Σ exp(x − max). */
function logSumExp(x: Float32Array, o: number, cols: number): number {
  let max = -Infinity;
  for (let i = 0; i < cols; i++) if (x[o + i]! > max) max = x[o + i]!;
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = 0; i < cols; i++) sum += Math.exp(x[o + i]! - max);
  return max + Math.log(sum);
}

/** out row = x − logsumexp(x). */
export function logSoftmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    const lse = logSumExp(x, o, cols);
    for (let i = 0; i < cols; i++) out[o + i] = x[o + i]! - lse;
  }
}

/** dx += dy − softmax(x)·Σ dy, with softmax(x) = exp(y). */
export function logSoftmaxBackward(
  y: Float32Array,
  dy: Float32Array,
  rows: number,
  cols: number,
  dx: Float32Array,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let sum = 0;
    for (let i = 0; i < cols; i++) sum += dy[o + i]!;
    for (let i = 0; i < cols; i++) dx[o + i]! += dy[o + i]! - Math.exp(y[o + i]!) * sum;
  }
}

/** Σ over counted rows of logsumexp(row) − row[target]; `lse` receives every row's logsumexp. */
export function crossEntropy(
  logits: Float32Array,
  rows: number,
  cols: number,
  targets: Int32Array,
  ignoreIndex: number,
  lse: Float32Array,
): { sum: number; count: number } {
  let total = 0;
  let count = 0;
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    const l = logSumExp(logits, o, cols);
    lse[r] = l;
    const t = targets[r]!;
    if (t === ignoreIndex) continue;
    total += l - logits[o + t]!;
    count++;
  }
  return { sum: total, count };
}

/**
 * dlogits += scale·(softmax − onehot(target)) on counted rows, the softmax recomputed as
 * exp(logit − lse) so the forward pass keeps one float per row instead of a (rows, cols) copy.
 */
export function crossEntropyBackward(
  logits: Float32Array,
  lse: Float32Array,
  rows: number,
  cols: number,
  targets: Int32Array,
  ignoreIndex: number,
  scale: number,
  dx: Float32Array,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    const t = targets[r]!;
    if (t === ignoreIndex) continue;
    const l = lse[r]!;
    for (let i = 0; i < cols; i++) dx[o + i]! += scale * Math.exp(logits[o + i]! - l);
    dx[o + t]! -= scale;
  }
}

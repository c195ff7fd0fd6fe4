// Elementwise functions of one tensor and their derivatives, forward and backward side by side.

import type { UnaryOp } from '../backend.js';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TANH_C = Math.sqrt(2 / Math.PI); // the tanh-approximation constant √(2/π)
const TANH_K = 0.044715;

/**
 * The error function by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, finer than
 * float32 needs), given e = exp(−x²) so callers that also need the Gaussian pay for one exp.
 */
function erfGivenExp(x: number, e: number): number {
  const ax = x < 0 ? -x : x;
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const r = 1 - poly * e;
  return x < 0 ? -r : r;
}

/** The error function (absolute error below 1.5e-7). */
export function erf(x: number): number {
  return erfGivenExp(x, Math.exp(-x * x));
}

/** out = f(x). */
export function unary(op: UnaryOp, x: Float32Array, out: Float32Array): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
      return;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = x[i]! > 0 ? x[i]! : 0;
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) out[i] = 0.5 * x[i]! * (1 + erf(x[i]! * SQRT1_2));
      return;
    case 'geluTanh':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = 0.5 * v * (1 + Math.tanh(TANH_C * (v + TANH_K * v * v * v)));
      }
      return;
  }
}

/** dx += f′(x)·dy (dx = f′(x)·dy unless `accumulate`); y = f(x) is used where the derivative is cheapest in terms of it. */
export function unaryBackward(
  op: UnaryOp,
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  accumulate = true,
): void {
  const n = x.length;
  if (!accumulate) dx.fill(0);
  switch (op) {
    case 'neg': // d(−x) = −1
      for (let i = 0; i < n; i++) dx[i]! -= dy[i]!;
      return;
    case 'exp': // d eˣ = eˣ
      for (let i = 0; i < n; i++) dx[i]! += dy[i]! * y[i]!;
      return;
    case 'log': // d ln x = 1/x
      for (let i = 0; i < n; i++) dx[i]! += dy[i]! / x[i]!;
      return;
    case 'sqrt': // d √x = 1/(2√x)
      for (let i = 0; i < n; i++) dx[i]! += (0.5 * dy[i]!) / y[i]!;
      return;
    case 'tanh': // d tanh x = 1 − tanh² x
      for (let i = 0; i < n; i++) dx[i]! += dy[i]! * (1 - y[i]! * y[i]!);
      return;
    case 'sigmoid': // d σ(x) = σ(x)(1 − σ(x))
      for (let i = 0; i < n; i++) dx[i]! += dy[i]! * y[i]! * (1 - y[i]!);
      return;
    case 'relu': // 1 where x > 0, else 0
      for (let i = 0; i < n; i++) if (x[i]! > 0) dx[i]! += dy[i]!;
      return;
    case 'gelu': // d[x·Φ(x)] = Φ(x) + x·φ(x)
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const e = Math.exp(-0.5 * v * v); // exp(−(x/√2)²), shared by Φ and φ
        const cdf = 0.5 * (1 + erfGivenExp(v * SQRT1_2, e));
        dx[i]! += dy[i]! * (cdf + v * INV_SQRT_2PI * e);
      }
      return;
    case 'geluTanh': // d[½x(1 + tanh u)] = ½(1 + tanh u) + ½x(1 − tanh² u)·u′, u = c(x + kx³)
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const t = Math.tanh(TANH_C * (v + TANH_K * v * v * v));
        const du = TANH_C * (1 + 3 * TANH_K * v * v);
        dx[i]! += dy[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
      }
      return;
  }
}

/** out = x^p. */
export function powScalar(x: Float32Array, p: number, out: Float32Array): void {
  const n = x.length;
  if (p === 2) for (let i = 0; i < n; i++) out[i] = x[i]! * x[i]!;
  else if (p === 0.5) for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
  else if (p === -1) for (let i = 0; i < n; i++) out[i] = 1 / x[i]!;
  else for (let i = 0; i < n; i++) out[i] = Math.pow(x[i]!, p);
}

/** dx += p·x^(p−1)·dy. */
export function powScalarBackward(x: Float32Array, p: number, dy: Float32Array, dx: Float32Array): void {
  const n = x.length;
  if (p === 2) for (let i = 0; i < n; i++) dx[i]! += 2 * x[i]! * dy[i]!;
  else if (p === 1) for (let i = 0; i < n; i++) dx[i]! += dy[i]!;
  else for (let i = 0; i < n; i++) dx[i]! += p * Math.pow(x[i]!, p - 1) * dy[i]!;
}

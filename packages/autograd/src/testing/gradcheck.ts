// Gradient checking: backward's gradients against central finite differences of the forward, summed in float64.

import { noGrad } from '../graph.js';
import { Tensor } from '../tensor.js';
import { assertClose } from './assert-close.js';

/** Step and tolerances of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-2; float32 forward passes need a coarse step). */
  eps?: number;
  atol?: number;
  rtol?: number;
}

/** A fixed pseudo-random projection vector, so every output element contributes to the checked scalar. */
function weights(n: number): Float64Array {
  const w = new Float64Array(n);
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    w[i] = Math.fround((s / 2 ** 32) * 2 - 1); // float32-exact, so both sides use the same w
  }
  return w;
}

/** Σ w·y in float64. */
function project(y: Tensor, w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.size; i++) s += w[i]! * y.data[i]!;
  return s;
}

/**
 * Checks ∂L/∂input from `backward()` for every input with requiresGrad, where L = Σ w ⊙ fn(inputs)
 * for a fixed random w, against central differences (L(x + h) − L(x − h))/(2h) evaluated in
 * float64 from the float32 forward. Throws naming the input and element on mismatch.
 * @example gradcheck((a, b) => a.mul(b).sum(), [a, b]);
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): void {
  const eps = opts.eps ?? 1e-2;
  const atol = opts.atol ?? 1e-2;
  const rtol = opts.rtol ?? 1e-2;
  for (const t of inputs) t.zeroGrad();
  const y = fn(...inputs);
  const w = weights(y.size);
  if (!y.requiresGrad) throw new Error('gradcheck: the output does not require grad (no input has requiresGrad)');
  const seed = new Tensor(Float32Array.from(w), y.shape);
  y.backward(seed);
  inputs.forEach((t, k) => {
    if (!t.requiresGrad) return;
    const analytic = t.grad ? Array.from(t.grad) : new Array<number>(t.size).fill(0);
    const numeric = new Array<number>(t.size);
    noGrad(() => {
      for (let i = 0; i < t.size; i++) {
        const orig = t.data[i]!;
        t.data[i] = orig + eps;
        const hi = t.data[i]!;
        const up = project(fn(...inputs), w);
        t.data[i] = orig - eps;
        const lo = t.data[i]!;
        const down = project(fn(...inputs), w);
        t.data[i] = orig;
        numeric[i] = (up - down) / (hi - lo); // the float32 step actually taken
      }
    });
    assertClose(analytic, numeric, {
      atol,
      rtol,
      message: `gradcheck: gradient of input ${k} (shape [${t.shape.join(', ')}])`,
    });
  });
}

// The WebAssembly backend's row kernels (causal softmax, softmax, cross-entropy, layer norm) and optimizers against
// autograd's CPU backend.

import { cpuBackend, Rng } from '@tinygpt/autograd';
import { assertClose } from '@tinygpt/autograd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';
import { normal, pairIn, testBackendOptions, tol } from './testing.js';

let wasm: WasmBackend;
beforeAll(async () => {
  wasm = await createWasmBackend(testBackendOptions);
});
afterAll(() => wasm.close());
const pair = (n: number, draw: () => number) => pairIn(wasm, n, draw);

describe('causal softmax matches the CPU backend', () => {
  it('forward and backward, with and without cached keys, row lengths around the vector width', () => {
    const rng = new Rng('causalSoftmax');
    for (const [batch, T, Tk] of [
      [3, 5, 5],
      [2, 9, 9],
      [2, 3, 11],
      [4, 1, 6],
    ] as const) {
      const rows = batch * T;
      const [x, wx] = pair(rows * Tk, normal(rng, 3));
      const [y, wy] = pair(rows * Tk, () => Number.NaN);
      cpuBackend.causalSoftmax(x, rows, T, Tk, 0.4, y);
      wasm.causalSoftmax(wx, rows, T, Tk, 0.4, wy);
      assertClose(wy, y, tol);
      const [dy, wdy] = pair(rows * Tk, normal(rng));
      const [dx, wdx] = pair(rows * Tk, normal(rng));
      cpuBackend.causalSoftmaxBackward(y, dy, rows, T, Tk, 0.4, dx);
      wasm.causalSoftmaxBackward(wy, wdy, rows, T, Tk, 0.4, wdx);
      assertClose(wdx, dx, tol);
      // Overwriting: every element written (0 past each row's keys), nothing of the NaN left.
      dx.fill(NaN);
      wdx.fill(NaN);
      cpuBackend.causalSoftmaxBackward(y, dy, rows, T, Tk, 0.4, dx, false);
      wasm.causalSoftmaxBackward(wy, wdy, rows, T, Tk, 0.4, wdx, false);
      expect(wdx.some(Number.isNaN)).toBe(false);
      assertClose(wdx, dx, tol);
    }
  });
});

describe('row kernels match the CPU backend', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [3, 5],
    [4, 8],
    [7, 65],
    [2, 2050],
  ];

  it.each(shapes)('softmax and log-softmax over (%i, %i), with backward', (rows, cols) => {
    const rng = new Rng(`softmax-${rows}-${cols}`);
    const [x, wx] = pair(rows * cols, normal(rng, 4));
    for (const [fwd, bwd] of [
      ['softmax', 'softmaxBackward'],
      ['logSoftmax', 'logSoftmaxBackward'],
    ] as const) {
      const y = new Float32Array(rows * cols),
        wy = wasm.alloc(rows * cols);
      cpuBackend[fwd](x, rows, cols, y);
      wasm[fwd](wx, rows, cols, wy);
      assertClose(wy, y, { ...tol, message: fwd });
      const [dy, wdy] = pair(rows * cols, normal(rng));
      const [dx, wdx] = pair(rows * cols, normal(rng));
      cpuBackend[bwd](y, dy, rows, cols, dx);
      wasm[bwd](wy, wdy, rows, cols, wdx);
      assertClose(wdx, dx, { atol: 1e-5, rtol: 1e-4, message: bwd });
    }
  });

  it('softmax of a fully masked row is NaN and of −∞ entries is 0, as on the CPU', () => {
    const x = Float32Array.from([-Infinity, -Infinity, -Infinity, 1, -Infinity, 2, 3, -Infinity, 5]);
    const wx = wasm.alloc(9);
    wx.set(x);
    const y = new Float32Array(9),
      wy = wasm.alloc(9);
    cpuBackend.softmax(x, 3, 3, y);
    wasm.softmax(wx, 3, 3, wy);
    assertClose(wy, y, tol);
    expect(Number.isNaN(wy[0]!)).toBe(true);
  });

  it.each(shapes)('cross-entropy over (%i, %i) with an ignored row, and its backward', (rows, cols) => {
    const rng = new Rng(`ce-${rows}-${cols}`);
    const [x, wx] = pair(rows * cols, normal(rng, 3));
    const targets = Int32Array.from({ length: rows }, (_, r) => (r === 1 ? -100 : rng.int(cols)));
    const lse = new Float32Array(rows),
      wlse = wasm.alloc(rows);
    const expected = cpuBackend.crossEntropy(x, rows, cols, targets, -100, lse);
    const got = wasm.crossEntropy(wx, rows, cols, targets, -100, wlse);
    expect(got.count).toBe(expected.count);
    expect(got.sum).toBeCloseTo(expected.sum, 4);
    assertClose(wlse, lse, tol);
    const [dx, wdx] = pair(rows * cols, normal(rng));
    cpuBackend.crossEntropyBackward(x, lse, rows, cols, targets, -100, 0.25, dx);
    wasm.crossEntropyBackward(wx, wlse, rows, cols, targets, -100, 0.25, wdx);
    assertClose(wdx, dx, tol);
  });

  it.each(shapes)('layer norm over (%i, %i), with and without affine parameters, and its backward', (rows, cols) => {
    const rng = new Rng(`ln-${rows}-${cols}`);
    for (const affine of [true, false]) {
      const [x, wx] = pair(rows * cols, () => 2 + rng.normal() * 3);
      const [w, ww] = pair(cols, normal(rng));
      const [b, wb] = pair(cols, normal(rng));
      const out = new Float32Array(rows * cols),
        wout = wasm.alloc(rows * cols);
      const mean = new Float32Array(rows),
        wmean = wasm.alloc(rows);
      const rstd = new Float32Array(rows),
        wrstd = wasm.alloc(rows);
      cpuBackend.layerNorm(x, rows, cols, affine ? w : null, affine ? b : null, 1e-5, out, mean, rstd);
      wasm.layerNorm(wx, rows, cols, affine ? ww : null, affine ? wb : null, 1e-5, wout, wmean, wrstd);
      assertClose(wout, out, { atol: 1e-4, rtol: 1e-4 });
      assertClose(wmean, mean, tol);
      assertClose(wrstd, rstd, { atol: 1e-5, rtol: 1e-4 });
      const [dy, wdy] = pair(rows * cols, normal(rng));
      const [dx, wdx] = pair(rows * cols, normal(rng));
      const [dw, wdw] = pair(cols, normal(rng));
      const [db, wdb] = pair(cols, normal(rng));
      cpuBackend.layerNormBackward(
        x,
        dy,
        rows,
        cols,
        affine ? w : null,
        mean,
        rstd,
        dx,
        affine ? dw : null,
        affine ? db : null,
      );
      wasm.layerNormBackward(
        wx,
        wdy,
        rows,
        cols,
        affine ? ww : null,
        wmean,
        wrstd,
        wdx,
        affine ? wdw : null,
        affine ? wdb : null,
      );
      assertClose(wdx, dx, { atol: 1e-4, rtol: 1e-4, message: 'dx' });
      assertClose(wdw, dw, { atol: 1e-4, rtol: 1e-4, message: 'dWeight' });
      assertClose(wdb, db, { atol: 1e-4, rtol: 1e-4, message: 'dBias' });
    }
  });
});

describe('optimizers match the CPU backend', () => {
  it('fused AdamW over many parameters gives the bits of adamw called on each (on one and two threads)', async () => {
    const two = await createWasmBackend({ threads: 2, initialMemoryMiB: 16 });
    try {
      for (const be of [wasm, two]) {
        const rng = new Rng('adamwMany');
        const sizes = [3, 8192, 40000, 1, 17];
        const make = () =>
          sizes.map((n, i) => {
            const [p, g, m, v] = [0, 1, 2, 3].map(() => be.alloc(n));
            return {
              p: p!,
              g: g!,
              m: m!,
              v: v!,
              step: {
                lr: i === 2 ? 3e-3 : 1e-3,
                beta1: 0.9,
                beta2: 0.99,
                eps: 1e-8,
                weightDecay: i % 2 ? 0 : 0.1,
                bc1: 0.19,
                bc2: 0.0199,
              },
            };
          });
        const fused = make();
        const single = make();
        fused.forEach((e, i) => {
          for (const k of ['p', 'g', 'm', 'v'] as const) {
            for (let j = 0; j < e[k].length; j++) e[k][j] = k === 'v' ? Math.abs(rng.normal()) : rng.normal();
            single[i]![k].set(e[k]);
          }
        });
        be.adamwMany(fused);
        for (const { p, g, m, v, step } of single) be.adamw(p, g, m, v, step);
        fused.forEach((e, i) => {
          for (const k of ['p', 'm', 'v'] as const) expect(Array.from(e[k])).toEqual(Array.from(single[i]![k]));
        });
      }
    } finally {
      two.close();
    }
  });

  it('AdamW gives the exact float32 bits with tiny and denormal moments and gradients', () => {
    // The kernel's vector path step by step, each operation rounded to float32 (Math.fround of a
    // double is the float32 result of +, −, ×, ÷ and √ on floats): its tiny-moment path must match.
    const f = Math.fround;
    const step = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, bc1: 0.3, bc2: 0.02 };
    const [b1, b2, eps] = [f(step.beta1), f(step.beta2), f(step.eps)];
    const [decay, stepSize] = [f(1 - step.lr * step.weightDecay), f(step.lr / step.bc1)];
    const inverse = f(1 / f(Math.sqrt(step.bc2)));
    const rng = new Rng('adamw-denormal');
    const denormal = () => (rng.random() < 0.5 ? -1 : 1) * Math.floor(1 + rng.random() * 2 ** 23) * 2 ** -149;
    const draw = (scale: number) => () => {
      const r = rng.random();
      if (r < 0.3) return denormal();
      if (r < 0.4) return 0;
      if (r < 0.6) return rng.normal() * 2 ** -(100 + 26 * rng.random()); // just above the denormals
      return rng.normal() * scale;
    };
    const n = 4096; // whole groups of four: the tail takes the scalar formula
    const [p] = pair(n, normal(rng));
    const [g] = pair(n, draw(1e-3));
    const [m] = pair(n, draw(1e-4));
    const [v] = pair(n, () => Math.abs(draw(1e-7)()));
    const [wp, wg, wm, wv] = [p, g, m, v].map((a) => {
      const w = wasm.alloc(n);
      w.set(a);
      return w;
    }) as [Float32Array, Float32Array, Float32Array, Float32Array];
    wasm.adamw(wp, wg, wm, wv, step);
    const bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];
    let tiny = 0;
    for (let i = 0; i < n; i++) {
      const mi = f(f(b1 * m[i]!) + f(f(1 - b1) * g[i]!));
      const vi = f(f(b2 * v[i]!) + f(f(f(1 - b2) * g[i]!) * g[i]!));
      const pi = f(f(p[i]! * decay) - f(f(stepSize * mi) / f(f(f(Math.sqrt(vi)) * inverse) + eps)));
      if (mi !== 0 && Math.abs(mi) < 2 ** -126) tiny++;
      expect([bits(wm[i]!), bits(wv[i]!), bits(wp[i]!)], `float ${i}`).toEqual([bits(mi), bits(vi), bits(pi)]);
    }
    expect(tiny).toBeGreaterThan(500); // denormal results were made, not just read
  });

  it('SGD with momentum gives the exact float32 bits with a tiny and denormal momentum buffer', () => {
    const f = Math.fround;
    const step = { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 };
    const [lr, mu, wd] = [f(step.lr), f(step.momentum), f(step.weightDecay)];
    const rng = new Rng('sgd-denormal');
    const n = 4096;
    const [p] = pair(n, normal(rng));
    const [g] = pair(n, () => (rng.random() < 0.5 ? 0 : rng.normal() * 1e-3));
    const [buf] = pair(n, () => {
      const r = rng.random();
      if (r < 0.4) return (rng.random() < 0.5 ? -1 : 1) * Math.floor(1 + rng.random() * 2 ** 23) * 2 ** -149;
      if (r < 0.6) return rng.normal() * 2 ** -(100 + 26 * rng.random());
      return rng.normal() * 1e-3;
    });
    const [wp, wg, wbuf] = [p, g, buf].map((a) => {
      const w = wasm.alloc(n);
      w.set(a);
      return w;
    }) as [Float32Array, Float32Array, Float32Array];
    wasm.sgd(wp, wg, wbuf, step);
    const bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];
    for (let i = 0; i < n; i++) {
      const d = f(f(mu * buf[i]!) + f(f(wd * p[i]!) + g[i]!));
      expect([bits(wbuf[i]!), bits(wp[i]!)], `float ${i}`).toEqual([bits(d), bits(f(p[i]! - f(lr * d)))]);
    }
  });

  it('AdamW over several steps', () => {
    const rng = new Rng('adamw');
    const n = 1003;
    const [p, wp] = pair(n, normal(rng));
    const [m, wm] = pair(n, () => 0);
    const [v, wv] = pair(n, () => 0);
    for (let t = 1; t <= 5; t++) {
      const [g, wg] = pair(n, normal(rng));
      const step = {
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.99,
        eps: 1e-8,
        weightDecay: 0.1,
        bc1: 1 - 0.9 ** t,
        bc2: 1 - 0.99 ** t,
      };
      cpuBackend.adamw(p, g, m, v, step);
      wasm.adamw(wp, wg, wm, wv, step);
    }
    assertClose(wp, p, { atol: 1e-6, rtol: 1e-5 });
    assertClose(wm, m, { atol: 1e-6, rtol: 1e-5 });
    assertClose(wv, v, { atol: 1e-7, rtol: 1e-5 });
  });

  it('SGD with and without momentum', () => {
    const rng = new Rng('sgd');
    for (const momentum of [0, 0.9]) {
      const n = 101;
      const [p, wp] = pair(n, normal(rng));
      const [buf, wbuf] = pair(n, () => 0);
      for (let t = 0; t < 3; t++) {
        const [g, wg] = pair(n, normal(rng));
        const step = { lr: 0.1, momentum, weightDecay: 0.01 };
        cpuBackend.sgd(p, g, momentum ? buf : null, step);
        wasm.sgd(wp, wg, momentum ? wbuf : null, step);
      }
      assertClose(wp, p, tol);
    }
  });
});

// The WebAssembly backend's elementwise kernels and optimizer updates: unary and binary ops, where, axpy, AdamW, SGD.

import type { AdamWParam, AdamWStep, BinaryOp, KernelShape, SgdStep, UnaryOp } from '@tinygpt/autograd';
import { broadcastLayout, kernelBounds } from '@tinygpt/autograd';
import { binaryCodes, unaryCodes } from './generated/op-codes.js';
import { forEachBlock } from './layout.js';
import { GRAIN_CHEAP, GRAIN_COSTLY, VEC, WasmStaging } from './staging.js';

/** Floats per row of a fused AdamW table: a multiple of 4, so every float takes its `adamw` path. */
const ADAMW_PIECE = 1 << 13;
/** Floats (4-byte slots) per row of that table (assembly/elementwise.ts ADAMW_ROW). */
const ADAMW_ROW_FLOATS = 8;

/** Elementwise kernels and optimizers of the `Backend` interface on the WebAssembly kernels. */
export class ElementwiseKernels extends WasmStaging {
  // ---- elementwise ----

  unary(op: UnaryOp, x: Float32Array, out: Float32Array): void {
    kernelBounds.unary(op, x, out);
    this.call(() => {
      const px = this.in(x),
        po = this.out(out),
        code = unaryCodes[op];
      const grain = op === 'neg' || op === 'relu' ? GRAIN_CHEAP : GRAIN_COSTLY;
      this.runtime.parallelFor('unary', [code, px, po, x.length], {
        total: x.length,
        grain,
        align: VEC,
        countArg: 3,
        offsets: [
          [1, 4],
          [2, 4],
        ],
      });
    });
  }

  unaryBackward(
    op: UnaryOp,
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    accumulate = true,
  ): void {
    kernelBounds.unaryBackward(op, x, y, dy, dx, accumulate);
    this.call(() => {
      const px = this.in(x),
        py = this.in(y),
        pdy = this.in(dy),
        pdx = this.out(dx),
        code = unaryCodes[op];
      const grain = op === 'gelu' || op === 'geluTanh' || op === 'log' ? GRAIN_COSTLY : GRAIN_CHEAP;
      this.runtime.parallelFor('unaryBackward', [code, px, py, pdy, pdx, x.length, accumulate ? 1 : 0], {
        total: x.length,
        grain,
        align: VEC,
        countArg: 5,
        offsets: [
          [1, 4],
          [2, 4],
          [3, 4],
          [4, 4],
        ],
      });
    });
  }

  unaryWithDerivative(op: 'gelu' | 'geluTanh', x: Float32Array, out: Float32Array, derivative: Float32Array): void {
    kernelBounds.unaryWithDerivative(op, x, out, derivative);
    this.call(() => {
      const px = this.in(x),
        po = this.out(out),
        pd = this.out(derivative);
      this.runtime.parallelFor('unaryWithDerivative', [unaryCodes[op], px, po, pd, x.length], {
        total: x.length,
        grain: GRAIN_COSTLY,
        align: VEC,
        countArg: 4,
        offsets: [
          [1, 4],
          [2, 4],
          [3, 4],
        ],
      });
    });
  }

  powScalar(x: Float32Array, p: number, out: Float32Array): void {
    kernelBounds.powScalar(x, p, out);
    this.call(() => this.k.powScalar(this.in(x), p, this.out(out), x.length));
  }

  powScalarBackward(x: Float32Array, p: number, dy: Float32Array, dx: Float32Array): void {
    kernelBounds.powScalarBackward(x, p, dy, dx);
    this.call(() => this.k.powScalarBackward(this.in(x), p, this.in(dy), this.out(dx), x.length));
  }

  binary(
    op: BinaryOp,
    a: Float32Array,
    aShape: KernelShape,
    b: Float32Array,
    bShape: KernelShape,
    out: Float32Array,
    outShape: KernelShape,
    accumulate: boolean,
  ): void {
    kernelBounds.binary(op, a, aShape, b, bShape, out, outShape, accumulate);
    if (out.length === 0) return;
    this.call(() => {
      const pa = this.in(a),
        pb = this.in(b),
        po = this.out(out);
      const code = binaryCodes[op],
        acc = accumulate ? 1 : 0;
      const n = out.length;
      // Same shape, or one scalar operand: a single flat row.
      if ((a.length === n || a.length === 1) && (b.length === n || b.length === 1)) {
        const sa = a.length === n ? 1 : 0,
          sb = b.length === n ? 1 : 0;
        this.runtime.parallelFor('binary', [code, acc, pa, pb, po, 1, 1, 1, n, 0, 0, 0, sa, 0, 0, 0, sb], {
          total: n,
          grain: GRAIN_CHEAP,
          align: VEC,
          countArg: 8,
          offsets: [
            [2, 4 * sa],
            [3, 4 * sb],
            [4, 4],
          ],
        });
        return;
      }
      // One whole operand and one row repeated down it (a bias added to every row): rows × cols,
      // without a loop plan.
      const cols = outShape[outShape.length - 1] ?? 1;
      const isRow = (x: Float32Array, shape: KernelShape) => x.length === cols && shape[shape.length - 1] === cols;
      if ((a.length === n && isRow(b, bShape)) || (isRow(a, aShape) && b.length === n)) {
        const sa = a.length === n ? cols : 0,
          sb = b.length === n ? cols : 0;
        this.k.binary(code, acc, pa, pb, po, 1, 1, n / cols, cols, 0, 0, sa, 1, 0, 0, sb, 1);
        return;
      }
      forEachBlock(broadcastLayout(outShape, [aShape, bShape]), (off, base, d, s) => {
        const [sa, sb] = s as [number[], number[]];
        this.k.binary(
          code,
          acc,
          pa + off[0]! * 4,
          pb + off[1]! * 4,
          po + base * 4,
          d[0]!,
          d[1]!,
          d[2]!,
          d[3]!,
          sa[0]!,
          sa[1]!,
          sa[2]!,
          sa[3]!,
          sb[0]!,
          sb[1]!,
          sb[2]!,
          sb[3]!,
        );
      });
    });
  }

  where(
    cond: Float32Array,
    condShape: KernelShape,
    a: Float32Array,
    aShape: KernelShape,
    b: Float32Array,
    bShape: KernelShape,
    out: Float32Array,
    outShape: KernelShape,
  ): void {
    kernelBounds.where(cond, condShape, a, aShape, b, bShape, out, outShape);
    if (out.length === 0) return;
    this.call(() => {
      const pc = this.in(cond),
        pa = this.in(a),
        pb = this.in(b),
        po = this.out(out);
      forEachBlock(broadcastLayout(outShape, [condShape, aShape, bShape]), (off, base, d, s) => {
        const [sc, sa, sb] = s as [number[], number[], number[]];
        this.k.where(
          pc + off[0]! * 4,
          pa + off[1]! * 4,
          pb + off[2]! * 4,
          po + base * 4,
          d[0]!,
          d[1]!,
          d[2]!,
          d[3]!,
          sc[0]!,
          sc[1]!,
          sc[2]!,
          sc[3]!,
          sa[0]!,
          sa[1]!,
          sa[2]!,
          sa[3]!,
          sb[0]!,
          sb[1]!,
          sb[2]!,
          sb[3]!,
        );
      });
    });
  }

  axpy(alpha: number, x: Float32Array, y: Float32Array): void {
    kernelBounds.axpy(alpha, x, y);
    this.call(() => {
      const px = this.in(x),
        py = this.out(y);
      this.runtime.parallelFor('axpy', [alpha, px, py, x.length], {
        total: x.length,
        grain: GRAIN_CHEAP,
        align: VEC,
        countArg: 3,
        offsets: [
          [1, 4],
          [2, 4],
        ],
      });
    });
  }

  scale(x: Float32Array, alpha: number): void {
    this.call(() => this.k.scale(this.out(x), alpha, x.length));
  }

  sumSquares(x: Float32Array): number {
    return this.call(() => this.k.sumSquares(this.in(x), x.length));
  }

  // ---- optimizers ----

  adamw(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, step: AdamWStep): void {
    kernelBounds.adamw(p, g, m, v, step);
    const { lr, beta1, beta2, eps, weightDecay, bc1, bc2 } = step;
    this.call(() => {
      const pp = this.out(p),
        pg = this.in(g),
        pm = this.out(m),
        pv = this.out(v);
      const decay = 1 - lr * weightDecay,
        stepSize = lr / bc1,
        sqrtBc2 = Math.sqrt(bc2);
      this.runtime.parallelFor('adamw', [pp, pg, pm, pv, p.length, beta1, beta2, eps, decay, stepSize, sqrtBc2], {
        total: p.length,
        grain: GRAIN_COSTLY,
        align: VEC,
        countArg: 4,
        offsets: [
          [0, 4],
          [1, 4],
          [2, 4],
          [3, 4],
        ],
      });
    });
  }

  adamwMany(params: readonly AdamWParam[]): void {
    kernelBounds.adamwMany(params);
    const first = params[0];
    if (!first) return;
    const { beta1, beta2, eps, bc1, bc2 } = first.step;
    this.call(() => {
      // One table row per piece of at most ADAMW_PIECE floats, so threads share big and small alike.
      let rows = 0;
      for (const { p } of params) rows += Math.max(1, Math.ceil(p.length / ADAMW_PIECE));
      const heap = this.runtime.heap;
      const block = heap.alloc(rows * ADAMW_ROW_FLOATS, false);
      const table = heap.addressOf(block);
      const ints = new Int32Array(block.buffer, block.byteOffset, block.length);
      let r = 0;
      for (const { p, g, m, v, step } of params) {
        if (step.beta1 !== beta1 || step.beta2 !== beta2 || step.eps !== eps || step.bc1 !== bc1 || step.bc2 !== bc2) {
          throw new Error('adamwMany: every entry must share beta1, beta2, eps and the bias corrections');
        }
        const pp = this.out(p),
          pg = this.in(g),
          pm = this.out(m),
          pv = this.out(v);
        const decay = 1 - step.lr * step.weightDecay,
          stepSize = step.lr / bc1;
        for (let start = 0; start < p.length || start === 0; start += ADAMW_PIECE) {
          const at = r * ADAMW_ROW_FLOATS,
            bytes = start * 4;
          ints[at] = pp + bytes;
          ints[at + 1] = pg + bytes;
          ints[at + 2] = pm + bytes;
          ints[at + 3] = pv + bytes;
          ints[at + 4] = Math.min(ADAMW_PIECE, p.length - start);
          block[at + 5] = decay;
          block[at + 6] = stepSize;
          r++;
          if (p.length === 0) break;
        }
      }
      try {
        this.runtime.parallelFor('adamwMany', [table, rows, beta1, beta2, eps, Math.sqrt(bc2)], {
          total: rows,
          grain: Math.ceil(GRAIN_COSTLY / ADAMW_PIECE),
          align: 1,
          countArg: 1,
          offsets: [[0, ADAMW_ROW_FLOATS * 4]],
        });
      } finally {
        heap.free(block);
      }
    });
  }

  sgd(p: Float32Array, g: Float32Array, buf: Float32Array | null, step: SgdStep): void {
    kernelBounds.sgd(p, g, buf, step);
    const { lr, momentum, weightDecay } = step;
    this.call(() => {
      const pp = this.out(p),
        pg = this.in(g),
        pb = this.opt(buf, true);
      this.runtime.parallelFor('sgd', [pp, pg, pb, p.length, lr, momentum, weightDecay], {
        total: p.length,
        grain: GRAIN_CHEAP,
        align: VEC,
        countArg: 3,
        offsets: [
          [0, 4],
          [1, 4],
          [2, pb ? 4 : 0],
        ],
      });
    });
  }
}

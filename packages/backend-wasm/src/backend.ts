// The autograd `Backend` on the WebAssembly kernels: storage in the module's memory, every kernel called on it in place.

import { broadcastLayout, cpuBackend, permuteLayout } from '@tinygpt/autograd';
import type { AdamWParam, AdamWStep, Backend, BinaryOp, KernelShape, SgdStep, UnaryOp } from '@tinygpt/autograd';
import { binaryCodes, unaryCodes } from './generated/op-codes.js';
import type { HeapStats } from './heap.js';
import { forEachBlock } from './layout.js';
import type { KernelExports, Ptr } from './module.js';
import { WasmRuntime } from './runtime.js';
import type { WasmOptions } from './runtime.js';

/**
 * Items per thread below which a kernel is not split: waking a worker costs some microseconds,
 * so only work of a few hundred microseconds is worth sharing. Cheap elementwise ops (an add:
 * about a nanosecond per float) need more items than transcendental ones (GELU: several).
 */
const GRAIN_CHEAP = 1 << 17;
const GRAIN_COSTLY = 1 << 15;
/** Rows per thread below which a row kernel is not split, scaled by the row length. */
const rowGrain = (cols: number): number => Math.max(1, Math.ceil(GRAIN_COSTLY / Math.max(cols, 1)));
/** Floats per row of a fused AdamW table: a multiple of 4, so every float takes its `adamw` path. */
const ADAMW_PIECE = 1 << 13;
/** Floats (4-byte slots) per row of that table (assembly/elementwise.ts ADAMW_ROW). */
const ADAMW_ROW_FLOATS = 8;
/** Elementwise slices start at multiples of 4 floats so every slice but the last is whole vectors. */
const VEC = 4;

/** A copy of an array that lives outside the module's memory, made so a kernel can read or write it. */
interface Staged {
  readonly source: Float32Array | Int32Array;
  readonly block: Float32Array;
  readonly writeBack: boolean;
}

/**
 * The WebAssembly backend: `alloc` places every tensor in the kernels' linear memory, so kernels
 * run on tensors where they lie. Arrays made elsewhere (`new Float32Array`) still work: they are
 * copied in and out around the call.
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  /** The runtime underneath: its memory, allocator, threads and raw kernels. */
  readonly runtime: WasmRuntime;
  private readonly k: KernelExports;
  private readonly staged: Staged[] = [];

  constructor(runtime: WasmRuntime) {
    this.runtime = runtime;
    this.k = runtime.kernels;
  }

  /** Threads kernels are split across, this one included. */
  get threads(): number {
    return this.runtime.threads;
  }

  /** The instruction set the kernels were built for: `relaxed-simd` (fused multiply-add) or `simd`. */
  get simd(): 'relaxed-simd' | 'simd' {
    return this.runtime.relaxedSimd ? 'relaxed-simd' : 'simd';
  }

  /** How much of the module's memory tensors occupy. */
  memoryStats(): HeapStats {
    return this.runtime.heap.stats();
  }

  /** Stops the worker threads (kernels keep running, on this thread). */
  close(): void {
    this.runtime.close();
  }

  alloc(size: number): Float32Array {
    return this.runtime.heap.alloc(size);
  }

  free(buffer: Float32Array): void {
    this.runtime.heap.free(buffer);
  }

  // ---- addresses ----

  /** The address of x, staging a copy of it if it lives outside the module's memory. */
  private in(x: Float32Array | Int32Array): Ptr {
    const at = this.runtime.heap.addressOf(x);
    return at >= 0 ? at : this.stage(x, false);
  }

  /**
   * The address of an array a kernel writes. A staged copy starts as a copy too, so the parts the
   * kernel leaves alone (other batches of a batched matmul) come back unchanged.
   */
  private out(x: Float32Array): Ptr {
    const at = this.runtime.heap.addressOf(x);
    return at >= 0 ? at : this.stage(x, true);
  }

  /** The address of an optional array, 0 for null. */
  private opt(x: Float32Array | null, write = false): Ptr {
    return x ? (write ? this.out(x) : this.in(x)) : 0;
  }

  private stage(x: Float32Array | Int32Array, writeBack: boolean): Ptr {
    const heap = this.runtime.heap;
    const block = heap.alloc(x.length);
    const at = heap.addressOf(block);
    if (x instanceof Int32Array) new Int32Array(block.buffer, at, x.length).set(x);
    else block.set(x);
    this.staged.push({ source: x, block, writeBack });
    return at;
  }

  /** Copies staged outputs back and frees the staging blocks. */
  private unstage(): void {
    const heap = this.runtime.heap;
    for (const { source, block, writeBack } of this.staged.splice(0)) {
      if (writeBack) {
        if (source instanceof Int32Array) source.set(new Int32Array(block.buffer, block.byteOffset, source.length));
        else source.set(block);
      }
      heap.free(block);
    }
  }

  /** Runs `fn` (which resolves addresses and calls kernels), then copies back anything staged. */
  private call<T>(fn: () => T): T {
    try {
      return fn();
    } finally {
      if (this.staged.length > 0) this.unstage();
    }
  }

  // ---- elementwise ----

  unary(op: UnaryOp, x: Float32Array, out: Float32Array): void {
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

  unaryBackward(op: UnaryOp, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.call(() => {
      const px = this.in(x),
        py = this.in(y),
        pdy = this.in(dy),
        pdx = this.out(dx),
        code = unaryCodes[op];
      const grain = op === 'gelu' || op === 'geluTanh' || op === 'log' ? GRAIN_COSTLY : GRAIN_CHEAP;
      this.runtime.parallelFor('unaryBackward', [code, px, py, pdy, pdx, x.length], {
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

  powScalar(x: Float32Array, p: number, out: Float32Array): void {
    this.call(() => this.k.powScalar(this.in(x), p, this.out(out), x.length));
  }

  powScalarBackward(x: Float32Array, p: number, dy: Float32Array, dx: Float32Array): void {
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

  // ---- reductions and data movement ----

  sumTo(x: Float32Array, xShape: KernelShape, out: Float32Array, outShape: KernelShape, accumulate: boolean): void {
    if (!accumulate) out.fill(0);
    if (x.length === 0) return;
    this.call(() => {
      const px = this.in(x),
        po = this.out(out);
      forEachBlock(broadcastLayout(xShape, [outShape]), (off, base, d, s) => {
        const so = s[0]!;
        this.k.sumTo(px + base * 4, po + off[0]! * 4, d[0]!, d[1]!, d[2]!, d[3]!, so[0]!, so[1]!, so[2]!, so[3]!);
      });
    });
  }

  broadcastTo(
    x: Float32Array,
    xShape: KernelShape,
    out: Float32Array,
    outShape: KernelShape,
    accumulate: boolean,
  ): void {
    if (out.length === 0) return;
    this.call(() => {
      const px = this.in(x),
        po = this.out(out),
        acc = accumulate ? 1 : 0;
      forEachBlock(broadcastLayout(outShape, [xShape]), (off, base, d, s) => {
        const sx = s[0]!;
        this.k.broadcastTo(
          px + off[0]! * 4,
          po + base * 4,
          acc,
          d[0]!,
          d[1]!,
          d[2]!,
          d[3]!,
          sx[0]!,
          sx[1]!,
          sx[2]!,
          sx[3]!,
        );
      });
    });
  }

  maxTo(x: Float32Array, xShape: KernelShape, out: Float32Array, outShape: KernelShape, argmax: Int32Array): void {
    // Data-dependent selection: the TypeScript kernel runs on the WebAssembly memory directly.
    cpuBackend.maxTo(x, xShape, out, outShape, argmax);
  }

  scatterAdd(dy: Float32Array, index: Int32Array, dx: Float32Array): void {
    cpuBackend.scatterAdd(dy, index, dx);
  }

  permute(x: Float32Array, xShape: KernelShape, dims: readonly number[], out: Float32Array, accumulate: boolean): void {
    if (x.length === 0) return;
    this.call(() => {
      const px = this.in(x),
        po = this.out(out),
        acc = accumulate ? 1 : 0;
      forEachBlock(permuteLayout(xShape, dims), (off, base, d, s) => {
        const sx = s[0]!;
        this.k.permute(
          px + off[0]! * 4,
          po + base * 4,
          acc,
          d[0]!,
          d[1]!,
          d[2]!,
          d[3]!,
          sx[0]!,
          sx[1]!,
          sx[2]!,
          sx[3]!,
        );
      });
    });
  }

  copyAxis(
    src: Float32Array,
    srcAxis: number,
    srcStart: number,
    dst: Float32Array,
    dstAxis: number,
    dstStart: number,
    outer: number,
    len: number,
    inner: number,
    accumulate: boolean,
  ): void {
    this.call(() =>
      this.k.copyAxis(
        this.in(src),
        srcAxis,
        srcStart,
        this.out(dst),
        dstAxis,
        dstStart,
        outer,
        len,
        inner,
        accumulate ? 1 : 0,
      ),
    );
  }

  gather(
    x: Float32Array,
    outer: number,
    axis: number,
    inner: number,
    index: Int32Array,
    n: number,
    out: Float32Array,
  ): void {
    cpuBackend.gather(x, outer, axis, inner, index, n, out);
  }

  gatherBackward(
    dy: Float32Array,
    outer: number,
    axis: number,
    inner: number,
    index: Int32Array,
    n: number,
    dx: Float32Array,
  ): void {
    cpuBackend.gatherBackward(dy, outer, axis, inner, index, n, dx);
  }

  indexSelect(x: Float32Array, rowSize: number, ids: Int32Array, out: Float32Array): void {
    cpuBackend.indexSelect(x, rowSize, ids, out);
  }

  indexSelectBackward(dy: Float32Array, rowSize: number, ids: Int32Array, dx: Float32Array): void {
    cpuBackend.indexSelectBackward(dy, rowSize, ids, dx);
  }

  // ---- matrix multiply ----

  sgemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    a: Float32Array,
    aOff: number,
    b: Float32Array,
    bOff: number,
    c: Float32Array,
    cOff: number,
    accumulate: boolean,
  ): void {
    this.call(() => {
      const pa = this.in(a) + aOff * 4,
        pb = this.in(b) + bOff * 4,
        pc = this.out(c) + cOff * 4;
      this.runtime.sgemm(transA, transB, M, N, K, pa, transA ? M : K, pb, transB ? K : N, pc, N, accumulate);
    });
  }

  sgemmBatched(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    batch: number,
    a: Float32Array,
    aOff: number,
    aStride: number,
    b: Float32Array,
    bOff: number,
    bStride: number,
    c: Float32Array,
    cOff: number,
    cStride: number,
    accumulate: boolean,
  ): void {
    if (batch === 0) return;
    this.call(() => {
      const pa = this.in(a) + aOff * 4,
        pb = this.in(b) + bOff * 4,
        pc = this.out(c) + cOff * 4;
      this.runtime.sgemmBatched(
        transA,
        transB,
        M,
        N,
        K,
        batch,
        pa,
        transA ? M : K,
        aStride * 4,
        pb,
        transB ? K : N,
        bStride * 4,
        pc,
        N,
        cStride * 4,
        accumulate,
      );
    });
  }

  // ---- rows: softmax, losses, normalisation ----

  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    this.call(() => {
      const px = this.in(x),
        po = this.out(out);
      this.runtime.parallelFor('softmax', [px, rows, cols, po], {
        total: rows,
        grain: rowGrain(cols),
        align: 1,
        countArg: 1,
        offsets: [
          [0, cols * 4],
          [3, cols * 4],
        ],
      });
    });
  }

  softmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number, dx: Float32Array): void {
    this.call(() => {
      const py = this.in(y),
        pdy = this.in(dy),
        pdx = this.out(dx),
        row = cols * 4;
      this.runtime.parallelFor('softmaxBackward', [py, pdy, rows, cols, pdx], {
        total: rows,
        grain: rowGrain(cols),
        align: 1,
        countArg: 2,
        offsets: [
          [0, row],
          [1, row],
          [4, row],
        ],
      });
    });
  }

  causalSoftmax(x: Float32Array, rows: number, T: number, Tk: number, scale: number, out: Float32Array): void {
    if (rows === 0) return;
    this.call(() => {
      const px = this.in(x),
        po = this.out(out),
        row = Tk * 4;
      // Shares of whole groups of T rows, so each starts at query 0.
      this.runtime.parallelFor('causalSoftmax', [px, rows, T, Tk, scale, po], {
        total: rows,
        grain: rowGrain(Tk),
        align: T,
        countArg: 1,
        offsets: [
          [0, row],
          [5, row],
        ],
      });
    });
  }

  causalSoftmaxBackward(
    y: Float32Array,
    dy: Float32Array,
    rows: number,
    T: number,
    Tk: number,
    scale: number,
    dx: Float32Array,
  ): void {
    if (rows === 0) return;
    this.call(() => {
      const py = this.in(y),
        pdy = this.in(dy),
        pdx = this.out(dx),
        row = Tk * 4;
      this.runtime.parallelFor('causalSoftmaxBackward', [py, pdy, rows, T, Tk, scale, pdx], {
        total: rows,
        grain: rowGrain(Tk),
        align: T,
        countArg: 2,
        offsets: [
          [0, row],
          [1, row],
          [6, row],
        ],
      });
    });
  }

  logSoftmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    this.call(() => {
      const px = this.in(x),
        po = this.out(out);
      this.runtime.parallelFor('logSoftmax', [px, rows, cols, po], {
        total: rows,
        grain: rowGrain(cols),
        align: 1,
        countArg: 1,
        offsets: [
          [0, cols * 4],
          [3, cols * 4],
        ],
      });
    });
  }

  logSoftmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number, dx: Float32Array): void {
    this.call(() => {
      const py = this.in(y),
        pdy = this.in(dy),
        pdx = this.out(dx),
        row = cols * 4;
      this.runtime.parallelFor('logSoftmaxBackward', [py, pdy, rows, cols, pdx], {
        total: rows,
        grain: rowGrain(cols),
        align: 1,
        countArg: 2,
        offsets: [
          [0, row],
          [1, row],
          [4, row],
        ],
      });
    });
  }

  crossEntropy(
    logits: Float32Array,
    rows: number,
    cols: number,
    targets: Int32Array,
    ignoreIndex: number,
    lse: Float32Array,
  ): { sum: number; count: number } {
    let count = 0;
    for (let r = 0; r < rows; r++) if (targets[r] !== ignoreIndex) count++;
    const sum = this.call(() =>
      this.k.crossEntropy(this.in(logits), rows, cols, this.in(targets), ignoreIndex, this.out(lse)),
    );
    return { sum, count };
  }

  crossEntropyBackward(
    logits: Float32Array,
    lse: Float32Array,
    rows: number,
    cols: number,
    targets: Int32Array,
    ignoreIndex: number,
    scale: number,
    dx: Float32Array,
  ): void {
    this.call(() =>
      this.k.crossEntropyBackward(
        this.in(logits),
        this.in(lse),
        rows,
        cols,
        this.in(targets),
        ignoreIndex,
        scale,
        this.out(dx),
      ),
    );
  }

  layerNorm(
    x: Float32Array,
    rows: number,
    cols: number,
    weight: Float32Array | null,
    bias: Float32Array | null,
    eps: number,
    out: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
  ): void {
    this.call(() => {
      const px = this.in(x),
        pw = this.opt(weight),
        pb = this.opt(bias),
        po = this.out(out);
      const pm = this.out(mean),
        pr = this.out(rstd),
        row = cols * 4;
      this.runtime.parallelFor('layerNorm', [px, rows, cols, pw, pb, eps, po, pm, pr], {
        total: rows,
        grain: rowGrain(cols),
        align: 1,
        countArg: 1,
        offsets: [
          [0, row],
          [6, row],
          [7, 4],
          [8, 4],
        ],
      });
    });
  }

  layerNormBackward(
    x: Float32Array,
    dy: Float32Array,
    rows: number,
    cols: number,
    weight: Float32Array | null,
    mean: Float32Array,
    rstd: Float32Array,
    dx: Float32Array | null,
    dWeight: Float32Array | null,
    dBias: Float32Array | null,
  ): void {
    this.call(() =>
      this.k.layerNormBackward(
        this.in(x),
        this.in(dy),
        rows,
        cols,
        this.opt(weight),
        this.in(mean),
        this.in(rstd),
        this.opt(dx, true),
        this.opt(dWeight, true),
        this.opt(dBias, true),
      ),
    );
  }

  // ---- optimizers ----

  adamw(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, step: AdamWStep): void {
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
    const first = params[0];
    if (!first) return;
    const { beta1, beta2, eps, bc1, bc2 } = first.step;
    this.call(() => {
      // One table row per piece of at most ADAMW_PIECE floats, so threads share big and small alike.
      let rows = 0;
      for (const { p } of params) rows += Math.max(1, Math.ceil(p.length / ADAMW_PIECE));
      const heap = this.runtime.heap;
      const block = heap.alloc(rows * ADAMW_ROW_FLOATS);
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

/** Options of `createWasmBackend`. */
export type WasmBackendOptions = WasmOptions;

/**
 * Compiles the kernels, creates their memory and starts `threads − 1` worker threads.
 * @example
 * import { setBackend } from '@tinygpt/autograd';
 * setBackend(await createWasmBackend({ threads: 2 }));
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  return new WasmBackend(await WasmRuntime.create(options));
}

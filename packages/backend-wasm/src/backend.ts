// The autograd `Backend` on the WebAssembly kernels: data movement and matrix products here, the rest in the classes it extends.

import { broadcastLayout, checkGemmSpans, cpuBackend, kernelBounds, permuteLayout } from '@tinygpt/autograd';
import type { Backend, GemmLeading, GemmMask, GemmOperand, KernelShape } from '@tinygpt/autograd';
import { forEachBlock } from './layout.js';
import { RowKernels } from './row-kernels.js';
import { WasmRuntime } from './runtime.js';
import type { WasmOptions } from './runtime.js';

const NO_FLOATS = new Float32Array(0);

/** Fills in `op` (without allocating, as the kernels are called in every step). */
function fillOperand(op: GemmOperand, array: Float32Array, offset: number, stride: number, lead: number): void {
  op.array = array;
  op.offset = offset;
  op.stride = stride;
  op.lead = lead;
}

/**
 * The WebAssembly backend: `alloc` places every tensor in the kernels' linear memory, so kernels
 * run on tensors where they lie. Arrays made elsewhere (`new Float32Array`) still work: they are
 * copied in and out around the call.
 */
export class WasmBackend extends RowKernels implements Backend {
  // ---- reductions and data movement ----

  sumTo(x: Float32Array, xShape: KernelShape, out: Float32Array, outShape: KernelShape, accumulate: boolean): void {
    kernelBounds.sumTo(x, xShape, out, outShape, accumulate);
    if (!accumulate) this.runtime.heap.fillZero(out);
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
    kernelBounds.broadcastTo(x, xShape, out, outShape, accumulate);
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
    kernelBounds.permute(x, xShape, dims, out, accumulate);
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
    kernelBounds.copyAxis(src, srcAxis, srcStart, dst, dstAxis, dstStart, outer, len, inner, accumulate);
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
    kernelBounds.indexSelect(x, rowSize, ids, out);
    // Row copies within the memory (copyWithin on one view of it): no view object per row.
    this.call(() => {
      const px = this.in(x) >>> 2,
        po = this.out(out) >>> 2;
      const memory = this.runtime.heap.view;
      for (let r = 0; r < ids.length; r++) {
        const s = px + ids[r]! * rowSize;
        memory.copyWithin(po + r * rowSize, s, s + rowSize);
      }
    });
  }

  indexSelectBackward(dy: Float32Array, rowSize: number, ids: Int32Array, dx: Float32Array): void {
    kernelBounds.indexSelectBackward(dy, rowSize, ids, dx);
    if (ids.length === 0 || rowSize === 0) return;
    this.call(() => this.k.indexSelectBackward(this.in(dy), rowSize, this.in(ids), ids.length, this.out(dx)));
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
    const [sa, sb, sc] = this.spans;
    fillOperand(sa, a, aOff, 0, transA ? M : K);
    fillOperand(sb, b, bOff, 0, transB ? K : N);
    fillOperand(sc, c, cOff, 0, N);
    this.checkSpans(transA, transB, M, N, K, 1);
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
    mask: GemmMask = 'none',
    diagonal = 0,
    lead?: GemmLeading,
  ): void {
    if (!Number.isInteger(diagonal)) throw new RangeError(`diagonal must be an integer, got ${diagonal}`);
    const [sa, sb, sc] = this.spans;
    fillOperand(sa, a, aOff, aStride, lead?.a ?? (transA ? M : K));
    fillOperand(sb, b, bOff, bStride, lead?.b ?? (transB ? K : N));
    fillOperand(sc, c, cOff, cStride, lead?.c ?? N);
    this.checkSpans(transA, transB, M, N, K, batch);
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
        lead?.a ?? (transA ? M : K),
        aStride * 4,
        pb,
        lead?.b ?? (transB ? K : N),
        bStride * 4,
        pc,
        lead?.c ?? N,
        cStride * 4,
        accumulate,
        mask,
        diagonal,
      );
    });
  }

  /** A product's operands as `checkSpans` takes them, filled in for each call. */
  private readonly spans = [0, 1, 2].map(() => ({ array: NO_FLOATS, offset: 0, stride: 0, lead: 0 })) as [
    GemmOperand,
    GemmOperand,
    GemmOperand,
  ];

  /**
   * `checkGemmSpans` on the operands in `spans`: a product the kernels would run past an array's
   * end, into the memory of other tensors, is refused instead.
   */
  private checkSpans(transA: boolean, transB: boolean, M: number, N: number, K: number, batch: number): void {
    const [sa, sb, sc] = this.spans;
    checkGemmSpans(transA, transB, M, N, K, batch, sa, sb, sc);
    sa.array = sb.array = sc.array = NO_FLOATS;
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

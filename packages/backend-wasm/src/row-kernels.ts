// The WebAssembly backend's row kernels: softmax (plain, causal, log), cross-entropy and layer normalisation.

import { kernelBounds } from '@tinygpt/autograd';
import { ElementwiseKernels } from './elementwise-kernels.js';
import { rowGrain } from './staging.js';

/** Row kernels of the `Backend` interface on the WebAssembly kernels. */
export class RowKernels extends ElementwiseKernels {
  // ---- rows: softmax, losses, normalisation ----

  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    kernelBounds.softmax(x, rows, cols, out);
    this.rowwise('softmax', x, rows, cols, out);
  }

  softmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number, dx: Float32Array): void {
    kernelBounds.softmaxBackward(y, dy, rows, cols, dx);
    this.rowwiseBackward('softmaxBackward', y, dy, rows, cols, dx);
  }

  causalSoftmax(x: Float32Array, rows: number, T: number, Tk: number, scale: number, out: Float32Array): void {
    kernelBounds.causalSoftmax(x, rows, T, Tk, scale, out);
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
    accumulate = true,
  ): void {
    kernelBounds.causalSoftmaxBackward(y, dy, rows, T, Tk, scale, dx, accumulate);
    if (rows === 0) return;
    this.call(() => {
      const py = this.in(y),
        pdy = this.in(dy),
        pdx = this.out(dx),
        row = Tk * 4;
      this.runtime.parallelFor('causalSoftmaxBackward', [py, pdy, rows, T, Tk, scale, pdx, accumulate ? 1 : 0], {
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
    kernelBounds.logSoftmax(x, rows, cols, out);
    this.rowwise('logSoftmax', x, rows, cols, out);
  }

  logSoftmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number, dx: Float32Array): void {
    kernelBounds.logSoftmaxBackward(y, dy, rows, cols, dx);
    this.rowwiseBackward('logSoftmaxBackward', y, dy, rows, cols, dx);
  }

  crossEntropy(
    logits: Float32Array,
    rows: number,
    cols: number,
    targets: Int32Array,
    ignoreIndex: number,
    lse: Float32Array,
  ): { sum: number; count: number } {
    kernelBounds.crossEntropy(logits, rows, cols, targets, ignoreIndex, lse);
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
    kernelBounds.crossEntropyBackward(logits, lse, rows, cols, targets, ignoreIndex, scale, dx);
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
    kernelBounds.layerNorm(x, rows, cols, weight, bias, eps, out, mean, rstd);
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
    kernelBounds.layerNormBackward(x, dy, rows, cols, weight, mean, rstd, dx, dWeight, dBias);
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

  /** A row-by-row kernel `out = f(x)` over (rows, cols), rows shared out over the threads. */
  private rowwise(
    kernel: 'softmax' | 'logSoftmax',
    x: Float32Array,
    rows: number,
    cols: number,
    out: Float32Array,
  ): void {
    this.call(() => {
      const px = this.in(x),
        po = this.out(out);
      this.runtime.parallelFor(kernel, [px, rows, cols, po], {
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

  /** The backward of a {@link rowwise} kernel from its output `y` and `dy`, into `dx`. */
  private rowwiseBackward(
    kernel: 'softmaxBackward' | 'logSoftmaxBackward',
    y: Float32Array,
    dy: Float32Array,
    rows: number,
    cols: number,
    dx: Float32Array,
  ): void {
    this.call(() => {
      const py = this.in(y),
        pdy = this.in(dy),
        pdx = this.out(dx),
        row = cols * 4;
      this.runtime.parallelFor(kernel, [py, pdy, rows, cols, pdx], {
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
}

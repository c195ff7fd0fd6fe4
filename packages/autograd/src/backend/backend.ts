// The kernel interface every backend implements: typed arrays and shapes in, typed arrays out, no graph.

/** Shapes as the kernels see them: dimension sizes, outermost first. */
export type KernelShape = readonly number[];

/** Elementwise functions of one tensor; `gelu` is the exact erf form, `geluTanh` its tanh approximation. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'sigmoid' | 'relu' | 'gelu' | 'geluTanh';

/** Elementwise functions of two tensors under NumPy broadcasting. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/**
 * A causal mask on a product, as attention's: entry (i, j) of a matrix is kept when
 * j ≤ i + diagonal (diagonal = columns − rows: query i of T at position Tk − T + i sees keys up to it).
 * - `lowerC`: C = lower(op(A)·op(B)); C's other entries are 0, or keep their values when accumulating.
 * - `lowerA`: C = lower(op(A))·op(B): op(A)[i, k] is taken as 0 for k > i + diagonal.
 * - `upperA`: C = lower(X)ᵀ·op(B) where op(A) = Xᵀ: op(A)[i, k] is taken as 0 for k < i − diagonal.
 */
export type GemmMask = 'none' | 'lowerC' | 'lowerA' | 'upperA';

/**
 * Row strides in floats of A, B and C as stored, for operands that are column windows of wider
 * rows (attention's heads inside the (B, T, 3·C) q, k, v projection). Without it rows are packed:
 * A's row stride is op(A)'s K (M when transposed), B's is N (K when transposed), C's is N.
 */
export interface GemmLeading {
  a: number;
  b: number;
  c: number;
}

/** AdamW hyper-parameters for one update; `bc1`/`bc2` are the bias corrections 1 − βᵗ. */
export interface AdamWStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  bc1: number;
  bc2: number;
}

/** A backend's storage accounting, in bytes. */
export interface MemoryStats {
  /** Bytes in buffers handed out and not yet freed. */
  liveBytes: number;
  /** Bytes in freed buffers waiting on a free list for reuse. */
  freeBytes: number;
  /**
   * Bytes of storage the backend has ever created (live plus free): its high-water mark. It stays
   * put once every request is served from the free lists.
   */
  highWaterBytes: number;
}

/** One parameter's share of a fused AdamW update: its tensors and its own hyper-parameters. */
export interface AdamWParam {
  p: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
  step: AdamWStep;
}

/** SGD hyper-parameters for one update. */
export interface SgdStep {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/**
 * Everything a training step asks of the hardware. Kernels write into caller-provided outputs; the
 * ones named `…Backward` and any with `accumulate` add into their output (gradients accumulate).
 * A backend that leaves one out does not compile.
 */
export interface Backend {
  /** A short name for logs: `'cpu'`, `'wasm'`. */
  readonly name: string;

  /**
   * A buffer of `size` floats; the only way tensor storage is created. With `zeroed` (default true)
   * it is all zeros; with `false` its contents are unspecified (a recycled buffer keeps old values),
   * for outputs a kernel overwrites entirely. After the first training step every buffer should come from the
   * backend's free lists, so steady state allocates nothing new.
   */
  alloc(size: number, zeroed?: boolean): Float32Array;
  /** Hands a buffer from `alloc` back for reuse; the caller never touches it again. Freeing twice throws. */
  free(buffer: Float32Array): void;
  /** How much storage the backend holds, for tests and logs. */
  memoryStats(): MemoryStats;

  /** out = f(x), elementwise. */
  unary(op: UnaryOp, x: Float32Array, out: Float32Array): void;
  /**
   * dx += f′(x)·dy, elementwise (dx = f′(x)·dy, every element written, when `accumulate` is false);
   * `y` = f(x) (kernels use whichever is cheaper).
   */
  unaryBackward(
    op: UnaryOp,
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    accumulate?: boolean,
  ): void;
  /**
   * out = f(x) and derivative = f′(x), elementwise, for a GELU: one pass where the two share work, so that the
   * `gelu` op's backward is the product dy·f′(x) (`binary` 'mul'). `derivative` holds the factor
   * `unaryBackward` multiplies dy by, to the bit. Optional: without it, `gelu` runs `unary`, then `unaryBackward`.
   */
  unaryWithDerivative?(op: 'gelu' | 'geluTanh', x: Float32Array, out: Float32Array, derivative: Float32Array): void;
  /** out = x^p, elementwise. */
  powScalar(x: Float32Array, p: number, out: Float32Array): void;
  /** dx += p·x^(p−1)·dy. */
  powScalarBackward(x: Float32Array, p: number, dy: Float32Array, dx: Float32Array): void;

  /** out (+)= a ∘ b with a, b broadcast to `outShape` (NumPy rules, shapes right-aligned). */
  binary(
    op: BinaryOp,
    a: Float32Array,
    aShape: KernelShape,
    b: Float32Array,
    bShape: KernelShape,
    out: Float32Array,
    outShape: KernelShape,
    accumulate: boolean,
  ): void;
  /** out = cond ≠ 0 ? a : b, all three broadcast to `outShape`. */
  where(
    cond: Float32Array,
    condShape: KernelShape,
    a: Float32Array,
    aShape: KernelShape,
    b: Float32Array,
    bShape: KernelShape,
    out: Float32Array,
    outShape: KernelShape,
  ): void;
  /** y += alpha·x. */
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  /** x ← alpha·x in place. */
  scale(x: Float32Array, alpha: number): void;
  /** Σ x², accumulated in float64. */
  sumSquares(x: Float32Array): number;

  /** out (+)= x summed over the axes where `outShape` has 1 (or is missing) and `xShape` does not. */
  sumTo(x: Float32Array, xShape: KernelShape, out: Float32Array, outShape: KernelShape, accumulate: boolean): void;
  /** out (+)= x broadcast (repeated) to `outShape`. */
  broadcastTo(
    x: Float32Array,
    xShape: KernelShape,
    out: Float32Array,
    outShape: KernelShape,
    accumulate: boolean,
  ): void;
  /** out = max of x over the axes reduced as in `sumTo`; `argmax` gets the flat index into x of each. */
  maxTo(x: Float32Array, xShape: KernelShape, out: Float32Array, outShape: KernelShape, argmax: Int32Array): void;
  /** dx[index[i]] += dy[i]. */
  scatterAdd(dy: Float32Array, index: Int32Array, dx: Float32Array): void;

  /** out (+)= x with its axes reordered: out axis i is x axis dims[i]. */
  permute(x: Float32Array, xShape: KernelShape, dims: readonly number[], out: Float32Array, accumulate: boolean): void;
  /**
   * Copies `len` entries along an axis: viewing src as (outer, srcAxis, inner) and dst as
   * (outer, dstAxis, inner), dst[o, dstStart + i, :] (+)= src[o, srcStart + i, :] for i < len.
   */
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
  ): void;
  /** Viewing x as (outer, axis, inner) and index/out as (outer, n, inner): out[o,j,i] = x[o, index[o,j,i], i]. */
  gather(
    x: Float32Array,
    outer: number,
    axis: number,
    inner: number,
    index: Int32Array,
    n: number,
    out: Float32Array,
  ): void;
  /** The adjoint of `gather`: dx[o, index[o,j,i], i] += dy[o,j,i]. */
  gatherBackward(
    dy: Float32Array,
    outer: number,
    axis: number,
    inner: number,
    index: Int32Array,
    n: number,
    dx: Float32Array,
  ): void;
  /** out row r = x row ids[r], rows of `rowSize` floats (embedding lookup). */
  indexSelect(x: Float32Array, rowSize: number, ids: Int32Array, out: Float32Array): void;
  /** dx row ids[r] += dy row r. */
  indexSelectBackward(dy: Float32Array, rowSize: number, ids: Int32Array, dx: Float32Array): void;

  /**
   * C = op(A)·op(B) (or C += when `accumulate`); see the CPU `sgemm` for the layout. Operands that
   * run past their arrays are refused with a RangeError before anything is written.
   */
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
  ): void;
  /**
   * `batch` products at once (attention's B·nHead small ones): for i < batch,
   * C_i (+)= op(A_i)·op(B_i) with A_i at aOff + i·aStride (B_i, C_i likewise), each as in `sgemm`.
   * A stride of 0 reuses one operand for every product; products whose C_i overlap (cStride 0)
   * accumulate into it in order. `mask` makes every product causal (see {@link GemmMask}) about
   * `diagonal`; a backend may skip the work the mask makes zero. With `lead`, the
   * rows of A, B and C lie that many floats apart (see {@link GemmLeading}). Operands that run
   * past their arrays are refused with a RangeError before anything is written (`checkGemmSpans`).
   */
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
    mask?: GemmMask,
    diagonal?: number,
    lead?: GemmLeading,
  ): void;

  /** Row-wise softmax of x (rows, cols), max-subtracted. */
  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  /** dx += y ⊙ (dy − Σ dy⊙y) per row. */
  softmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number, dx: Float32Array): void;
  /**
   * Attention's scale + causal mask + softmax in one pass: x is (rows, Tk), rows = batch·T, and row
   * r (query r mod T, at position Tk − T + r mod T) gets softmax(scale·x) over keys 0..that
   * position and 0 beyond.
   */
  causalSoftmax(x: Float32Array, rows: number, T: number, Tk: number, scale: number, out: Float32Array): void;
  /**
   * dx += scale·y ⊙ (dy − Σ dy⊙y) per row, over the keys the row sees (with `accumulate` false,
   * dx = that there and 0 beyond: every element written).
   */
  causalSoftmaxBackward(
    y: Float32Array,
    dy: Float32Array,
    rows: number,
    T: number,
    Tk: number,
    scale: number,
    dx: Float32Array,
    accumulate?: boolean,
  ): void;
  /** Row-wise log-softmax, x − max − log Σ exp(x − max). */
  logSoftmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  /** dx += dy − exp(y)·Σ dy per row. */
  logSoftmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number, dx: Float32Array): void;
  /**
   * Softmax cross-entropy of logits (rows, cols) against integer targets; rows whose target is
   * `ignoreIndex` are skipped. Writes each row's log Σ exp into `lse` (all rows) and returns
   * Σ (lse − logit[target]) over counted rows and their number.
   */
  crossEntropy(
    logits: Float32Array,
    rows: number,
    cols: number,
    targets: Int32Array,
    ignoreIndex: number,
    lse: Float32Array,
  ): { sum: number; count: number };
  /** dlogits += scale·(exp(logits − lse) − onehot(target)) for rows not ignored. */
  crossEntropyBackward(
    logits: Float32Array,
    lse: Float32Array,
    rows: number,
    cols: number,
    targets: Int32Array,
    ignoreIndex: number,
    scale: number,
    dx: Float32Array,
  ): void;
  /**
   * Layer normalisation over rows of x (rows, cols): out = (x − μ)/√(σ² + eps)·weight + bias;
   * saves μ and 1/√(σ² + eps) per row into `mean` and `rstd`.
   */
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
  ): void;
  /** Accumulates the gradients of `layerNorm` into whichever of dx, dWeight, dBias are given. */
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
  ): void;

  /** One AdamW update of p in place (decoupled decay, bias-corrected moments m, v). */
  adamw(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, step: AdamWStep): void;
  /**
   * `adamw` on every entry in one call (an optimizer step over all parameters): the same bits as
   * calling `adamw` entry by entry. Entries must share beta1, beta2, eps and the bias corrections.
   */
  adamwMany(params: readonly AdamWParam[]): void;
  /** One SGD update of p in place; `buf` is the momentum buffer (null without momentum). */
  sgd(p: Float32Array, g: Float32Array, buf: Float32Array | null, step: SgdStep): void;
}

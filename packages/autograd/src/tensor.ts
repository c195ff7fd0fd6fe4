// The Tensor: contiguous row-major float32 data with a shape, an optional gradient and the node that made it.

import { backward as runBackward } from './graph.js';
import type { Node } from './graph.js';
import { releaseNode } from './graph.js';
import type { StorageOwner } from './lifetime.js';
import { track, untrackLeak } from './lifetime.js';
import type { MatmulOptions } from './ops/matmul.js';
import type { Shape } from './shape.js';
import { checkShape, showShape, sizeOf } from './shape.js';
import { freeStorage } from './storage.js';
import * as ops from './tensor-ops.js';

/** What a disposed tensor's data becomes, so any later use is caught. */
const DISPOSED = new Float32Array(0);

/**
 * A new tensor of `shape` over `base`'s data (shared, not copied): a view that holds a share of
 * the storage, so the data lives until both are disposed.
 */
export function shareStorage(base: Tensor, shape: Shape): Tensor {
  const out = new Tensor(base.data, shape);
  out.origin = base.origin;
  if (base.owner) {
    base.owner.refs++;
    out.owner = base.owner;
    track(out);
  }
  return out;
}

/**
 * An n-dimensional array of float32 that records how it was computed, so `backward()` can
 * apply the chain rule. Every op makes a new tensor; data is never modified in place by ops.
 * @example
 * const a = tensor([1, 2, 3], [3], { requiresGrad: true });
 * a.mul(a).sum().backward(); // a.grad = [2, 4, 6]
 */
export class Tensor {
  /** Dimension sizes, outermost first, e.g. `[B, T, C]`. */
  readonly shape: Shape;
  #data: Float32Array;
  /** ∂L/∂this after `backward()`, same layout as `data`; gradients accumulate (+=) until `zeroGrad()`. */
  grad: Float32Array | null = null;
  /** Whether ops on this tensor are recorded for backward. */
  requiresGrad: boolean;
  /** True for tensors not produced by a recorded op (parameters, inputs). */
  isLeaf = true;
  /** Keep `grad` of this intermediate tensor after backward (leaves always keep theirs). */
  retainsGrad = false;
  /** The op that produced this tensor, until backward releases it. */
  node: Node | null = null;
  /** The op (or creation function) that made this tensor, for error messages and the leak detector. */
  origin = 'tensor';
  /** Marked by `keep()`: no `tidy` scope disposes it and backward does not free it. */
  kept = false;
  /**
   * The storage share this tensor holds (null for a tensor wrapping an array it was given, whose
   * memory is the caller's). Internal to the lifetime machinery.
   * @internal
   */
  owner: StorageOwner | null = null;

  /** Wraps `data` (not copied) as a tensor of `shape`; data.length must equal the shape's size. */
  constructor(data: Float32Array, shape: Shape, requiresGrad = false) {
    checkShape(shape);
    if (data.length !== sizeOf(shape)) {
      throw new Error(`data has ${data.length} elements but shape ${showShape(shape)} needs ${sizeOf(shape)}`);
    }
    this.shape = Object.freeze([...shape]);
    this.#data = data;
    this.requiresGrad = requiresGrad;
  }

  /** The values, contiguous row-major, `size` of them. Throws once the tensor is disposed. */
  get data(): Float32Array {
    const d = this.#data;
    if (d === DISPOSED) this.usedAfterDispose();
    return d;
  }

  private usedAfterDispose(): never {
    throw new Error(
      `a tensor made by ${this.origin} (shape [${this.shape.join(', ')}]) was used after it was disposed ` +
        '(by dispose(), the end of its tidy() scope, or backward() freeing an intermediate): keep() it, or return it from the scope',
    );
  }

  /** Whether `dispose()` has run (the storage is gone). */
  get disposed(): boolean {
    return this.#data === DISPOSED;
  }

  /**
   * Frees this tensor's storage (or its share, when views made by `reshape`/`detach` still use
   * it), its gradient and what its node saved for backward. Any later use throws. Disposing twice
   * does nothing.
   */
  dispose(): void {
    if (this.#data === DISPOSED) return;
    if (this.grad) freeStorage(this.grad);
    this.grad = null;
    if (this.node) releaseNode(this.node);
    this.node = null;
    const owner = this.owner;
    if (owner && --owner.refs === 0) owner.backend.free(this.#data);
    this.owner = null;
    this.#data = DISPOSED;
    untrackLeak(this);
  }

  /** Number of elements. */
  get size(): number {
    return this.#data === DISPOSED ? sizeOf(this.shape) : this.#data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The value of a single-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item() needs a single-element tensor, got shape ${showShape(this.shape)}`);
    return this.data[0]!;
  }

  /** A flat copy of the values as plain numbers. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** The same data (shared, not copied) with no history and no gradient. */
  detach(): Tensor {
    return shareStorage(this, this.shape);
  }

  /** Backpropagates from this tensor: seed 1 for a single element, else `grad` (same size). */
  backward(grad?: Tensor): void {
    runBackward(this, grad);
  }

  /** Drops the accumulated gradient (like PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    if (this.grad) freeStorage(this.grad);
    this.grad = null;
  }

  /** this + o, broadcast. */
  add(o: Tensor | number): Tensor {
    return ops.add(this, o);
  }
  /** this − o, broadcast. */
  sub(o: Tensor | number): Tensor {
    return ops.sub(this, o);
  }
  /** this · o elementwise, broadcast. */
  mul(o: Tensor | number): Tensor {
    return ops.mul(this, o);
  }
  /** this / o, broadcast. */
  div(o: Tensor | number): Tensor {
    return ops.div(this, o);
  }
  /** −this. */
  neg(): Tensor {
    return ops.neg(this);
  }
  /** this^p for a constant p. */
  pow(p: number): Tensor {
    return ops.pow(this, p);
  }
  /** eˣ. */
  exp(): Tensor {
    return ops.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return ops.log(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return ops.tanh(this);
  }
  /** Logistic sigmoid 1/(1 + e⁻ˣ). */
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  /** max(x, 0). */
  relu(): Tensor {
    return ops.relu(this);
  }
  /** GELU: x·Φ(x) exactly (`'none'`, PyTorch's default) or its tanh approximation (`'tanh'`, GPT-2's). */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return ops.gelu(this, approximate);
  }
  /** Sum over `axis` (negative counts from the end; all axes when omitted). */
  sum(axis?: number | readonly number[], keepdim = false): Tensor {
    return ops.sum(this, axis, keepdim);
  }
  /** Maximum over `axis`; the gradient goes to the first maximal element. */
  max(axis?: number | readonly number[], keepdim = false): Tensor {
    return ops.max(this, axis, keepdim);
  }
  /** Mean over `axis`. */
  mean(axis?: number | readonly number[], keepdim = false): Tensor {
    return ops.mean(this, axis, keepdim);
  }
  /** Variance over `axis`, dividing by n − correction (default 0: biased, as LayerNorm). */
  variance(axis?: number | readonly number[], keepdim = false, correction = 0): Tensor {
    return ops.variance(this, axis, keepdim, correction);
  }
  /** Softmax along `axis` (default last), max-subtracted. */
  softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  /** Log-softmax along `axis` (default last). */
  logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
  /**
   * Matrix product: (M, K)@(K, N), or batched (..., M, K)@(..., K, N) with broadcast batch dims.
   * `{ transB: true }` multiplies by oᵀ (last two axes) without copying: `q.matmul(k, { transB: true })`.
   */
  matmul(o: Tensor, opts?: MatmulOptions): Tensor {
    return ops.matmul(this, o, opts);
  }
  /** Same data under a new shape; one size may be −1. */
  reshape(shape: Shape): Tensor {
    return ops.reshape(this, shape);
  }
  /** Swaps two axes (copies into contiguous layout). */
  transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  /** Reorders axes: output axis i is input axis dims[i]. */
  permute(dims: readonly number[]): Tensor {
    return ops.permute(this, dims);
  }
  /** Broadcasts to `shape` (size-1 or missing leading axes repeat; −1 keeps a size). */
  expand(shape: Shape): Tensor {
    return ops.expand(this, shape);
  }
  /** Elements start ≤ i < end along `axis`. */
  slice(axis: number, start: number, end: number): Tensor {
    return ops.slice(this, axis, start, end);
  }
  /** `value` where mask is 1, this elsewhere; mask (0/1, no grad) broadcasts to this shape. */
  maskedFill(mask: Tensor, value: number): Tensor {
    return ops.maskedFill(this, mask, value);
  }

  /** A short description with shape and the first values. */
  toString(): string {
    const head = Array.from(this.data.subarray(0, 6), (v) => Number(v.toPrecision(5)));
    return `Tensor(${showShape(this.shape)}, [${head.join(', ')}${this.size > 6 ? ', …' : ''}])`;
  }
}

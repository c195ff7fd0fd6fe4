// Glue shared by the op files: broadcast forward passes and gradient accumulation into broadcast inputs.

import { getBackend } from '../backend/active.js';
import type { BinaryOp } from '../backend/backend.js';
import { empty } from '../creation.js';
import { gradAdds, gradOf } from '../graph.js';
import type { Shape } from '../shape.js';
import { broadcastShapes, sameShape } from '../shape.js';
import { allocStorage, freeStorage } from '../storage.js';
import type { Tensor } from '../tensor.js';

/** A new tensor holding a ∘ b broadcast. */
export function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape);
  const out = empty(shape);
  getBackend().binary(op, a.data, a.shape, b.data, b.shape, out.data, shape, false);
  return out;
}

/** t.grad += alpha·g summed down from `gShape` to t's shape (undoing broadcasting). */
export function accumulateGrad(t: Tensor, g: Float32Array, gShape: Shape, alpha = 1): void {
  const be = getBackend();
  if (t.size === g.length) {
    if (alpha === 1 && !gradAdds(t)) t.grad!.set(g);
    else be.axpy(alpha, g, gradOf(t));
    return;
  }
  if (alpha === 1) return be.sumTo(g, gShape, gradOf(t), t.shape, true);
  const tmp = allocStorage(t.size);
  be.sumTo(g, gShape, tmp, t.shape, false);
  be.axpy(alpha, tmp, gradOf(t));
  freeStorage(tmp);
}

/** t.grad += (g ∘ other) summed down from `gShape` to t's shape; `other` broadcasts to `gShape`. */
export function accumulateProduct(op: 'mul' | 'div', t: Tensor, g: Float32Array, gShape: Shape, other: Tensor): void {
  const be = getBackend();
  if (t.size === g.length) {
    const add = gradAdds(t);
    be.binary(op, g, gShape, other.data, other.shape, t.grad!, gShape, add);
    return;
  }
  const tmp = allocStorage(g.length);
  be.binary(op, g, gShape, other.data, other.shape, tmp, gShape, false);
  be.sumTo(tmp, gShape, gradOf(t), t.shape, true);
  freeStorage(tmp);
}

/** Throws a RangeError naming the first id outside [0, limit). */
export function checkIndex(ids: Int32Array, limit: number, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= limit) throw new RangeError(`${what}: index ${id} at position ${i} is outside [0, ${limit})`);
  }
}

// Layer functions: linear, layer norm, GELU, dropout, masked fill and transpose, built on the ops.

import { add } from '../ops/add.js';
import { gelu as geluOp } from '../ops/gelu.js';
import { layerNorm as layerNormOp } from '../ops/layer-norm.js';
import { matmul } from '../ops/matmul.js';
import { mul } from '../ops/mul.js';
import { permute } from '../ops/permute.js';
import { reshape } from '../ops/reshape.js';
import { where } from '../ops/where.js';
import { empty, scalar } from '../creation.js';
import { normAxis, showShape } from '../shape.js';
import type { Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';

/**
 * x·Wᵀ + b as torch.nn.functional.linear: x (..., in), weight (out, in), bias (out) → (..., out).
 * The transpose is a flag to the matrix-multiply kernel, never a copy.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new Error(`linear: weight must be (out, in), got ${showShape(weight.shape)}`);
  const [outF, inF] = weight.shape as [number, number];
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== inF) {
    throw new Error(`linear: input ${showShape(x.shape)} does not end in in_features ${inF}`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new Error(`linear: bias ${showShape(bias.shape)} does not match out_features ${outF}`);
  }
  if (x.ndim === 1) return reshape(linear(reshape(x, [1, inF]), weight, bias), [outF]);
  const y = matmul(x, weight, { transB: true }); // (..., in)·(out, in)ᵀ → (..., out)
  return bias ? add(y, bias) : y;
}

/** GELU, exact (`'none'`) or tanh-approximated; see the `gelu` op. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  return geluOp(x, approximate);
}

/** LayerNorm over the last axis with optional weight/bias (C) and eps 1e-5; see the `layerNorm` op. */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  return layerNormOp(x, weight, bias, eps);
}

/**
 * Inverted dropout: zeroes each element with probability p and scales survivors by 1/(1 − p), so
 * the expectation is unchanged; the identity when `training` is false or p = 0. The mask is drawn
 * from `rng` in row-major order, so the same seed drops the same elements.
 */
export function dropout(x: Tensor, p: number, rng: Rng, training: boolean): Tensor {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  const mask = empty(x.shape);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const m = mask.data;
  for (let i = 0; i < m.length; i++) m[i] = rng.random() < p ? 0 : scale;
  return mul(x, mask);
}

/** x with `value` wherever mask ≠ 0 (mask broadcasts to x, gets no gradient). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return where(mask, scalar(value), x);
}

/** x with axes dim0 and dim1 swapped. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const order = x.shape.map((_, i) => i);
  const a = normAxis(dim0, x.ndim);
  const b = normAxis(dim1, x.ndim);
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}

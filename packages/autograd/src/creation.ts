// Tensor creation: from data, constant fills, and seeded random draws.

import type { Rng } from './rng.js';
import type { Shape } from './shape.js';
import { checkShape, showShape, sizeOf } from './shape.js';
import { getBackend } from './backend/active.js';
import { track } from './lifetime.js';
import { Tensor } from './tensor.js';

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Record ops on the new tensor for backward (a parameter or an input whose gradient you want). */
  requiresGrad?: boolean;
}

/**
 * A tensor of `shape` whose storage comes from the active backend, with unspecified contents (a
 * recycled buffer keeps old values): for op outputs a kernel overwrites. `zeroed` fills it with 0.
 * The tensor owns its storage: `dispose()` or the enclosing `tidy` scope gives it back. A tensor
 * created with `requiresGrad` (a parameter) is long-lived: no scope tracks it.
 */
export function empty(shape: Shape, opts: CreateOptions = {}, zeroed = false): Tensor {
  checkShape(shape);
  const backend = getBackend();
  const requiresGrad = opts.requiresGrad ?? false;
  const t = new Tensor(backend.alloc(sizeOf(shape), zeroed), shape, requiresGrad);
  t.owner = { refs: 1, backend };
  if (!requiresGrad) track(t);
  return t;
}

/**
 * A tensor holding a copy of `data`; `shape` defaults to `[data.length]`.
 * @example fromArray([1, 2, 3, 4], [2, 2])
 */
export function fromArray(data: ArrayLike<number>, shape?: Shape, opts: CreateOptions = {}): Tensor {
  const s = shape ?? [data.length];
  checkShape(s);
  if (sizeOf(s) !== data.length) {
    throw new Error(`fromArray: ${data.length} values do not fill shape ${showShape(s)} (${sizeOf(s)} elements)`);
  }
  const t = empty(s, opts);
  t.data.set(data);
  return t;
}

/** The same as `fromArray`. */
export function tensor(data: ArrayLike<number> | Float32Array, shape?: Shape, opts: CreateOptions = {}): Tensor {
  return fromArray(data, shape, opts);
}

/** A single number as a tensor of shape `[]`. */
export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  const t = empty([], opts);
  t.data[0] = value;
  return t;
}

/** All zeros. */
export function zeros(shape: Shape, opts: CreateOptions = {}): Tensor {
  return empty(shape, opts, true);
}

/** All ones. */
export function ones(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** Every element `value`. */
export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  const t = empty(shape, opts);
  t.data.fill(value);
  return t;
}

/**
 * Normal samples, mean + std·N(0, 1), drawn from `rng` in row-major order.
 * @example const w = randn([768, 768], rng, { std: 0.02, requiresGrad: true });
 */
export function randn(shape: Shape, rng: Rng, opts: CreateOptions & { std?: number; mean?: number } = {}): Tensor {
  const t = empty(shape, opts);
  const std = opts.std ?? 1;
  const mean = opts.mean ?? 0;
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * rng.normal();
  return t;
}

/** Uniform samples in [low, high) (default [0, 1)) drawn from `rng` in row-major order. */
export function rand(shape: Shape, rng: Rng, opts: CreateOptions & { low?: number; high?: number } = {}): Tensor {
  const t = empty(shape, opts);
  const low = opts.low ?? 0;
  const span = (opts.high ?? 1) - low;
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = low + span * rng.random();
  return t;
}

/** 0, 1, …, n − 1 as floats. */
export function arange(n: number): Tensor {
  const t = empty([n]);
  for (let i = 0; i < n; i++) t.data[i] = i;
  return t;
}

// What each kernel of the Backend interface requires of its sizes and arrays, checked by both backends before the
// kernel runs, so a refused call changes nothing. The WebAssembly kernels work on addresses in one memory: a size that
// overstates an array would have them read or write past its end, into the tensors beside it. The TypeScript kernels
// would drop such writes and read NaN. Either way the caller gets a RangeError that names the kernel instead.
// (The products check their spans with `checkGemmSpans`.)

import type { Backend, KernelShape } from './backend.js';

/** The kernels checked here: every one but the products, and those with a single array (`scale`, `sumSquares`). */
export type BoundedKernel = Exclude<
  keyof Backend,
  'name' | 'alloc' | 'free' | 'memoryStats' | 'sgemm' | 'sgemmBatched' | 'scale' | 'sumSquares'
>;

/** For each kernel, a function of its arguments that throws a RangeError unless they fit one another. */
export type KernelBounds = { [K in BoundedKernel]-?: (...args: Parameters<NonNullable<Backend[K]>>) => void };

const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** Throws unless the size `name` is a whole number ≥ 0. */
function count(kernel: string, name: string, value: number): void {
  if (!isCount(value)) throw new RangeError(`${kernel}: ${name} must be a whole number ≥ 0, got ${value}`);
}

/** rows·cols, once both are whole numbers ≥ 0. */
function area(kernel: string, rows: number, cols: number): number {
  count(kernel, 'rows', rows);
  count(kernel, 'cols', cols);
  return rows * cols;
}

/** Throws unless `array` holds at least `needed` values; a null array needs none. */
function fits(kernel: string, name: string, array: Float32Array | Int32Array | null, needed: number): void {
  if (array !== null && array.length < needed) {
    const unit = array instanceof Int32Array ? 'ids' : 'floats';
    throw new RangeError(`${kernel}: ${name} holds ${array.length} ${unit} where ${needed} are needed`);
  }
}

/** The number of elements of `shape`, once `array` is known to hold them. */
function holds(kernel: string, name: string, array: Float32Array, shape: KernelShape): number {
  if (!shape.every(isCount)) {
    throw new RangeError(`${kernel}: ${name}'s shape [${shape.join(', ')}] must hold whole numbers ≥ 0`);
  }
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i]!;
  fits(kernel, name, array, size);
  return size;
}

/** Throws unless `shape` broadcasts to `to` (NumPy rules: right-aligned, each size equal or 1). */
function broadcasts(kernel: string, name: string, shape: KernelShape, to: KernelShape): void {
  const skip = to.length - shape.length;
  for (let d = 0; d < shape.length; d++) {
    if (skip < 0 || (shape[d] !== 1 && shape[d] !== to[skip + d])) {
      throw new RangeError(`${kernel}: ${name}'s shape [${shape.join(', ')}] does not broadcast to [${to.join(', ')}]`);
    }
  }
}

/** The number of elements of `shape`, once `array` is known to hold them and `shape` to broadcast to `to`. */
function operand(kernel: string, name: string, array: Float32Array, shape: KernelShape, to: KernelShape): number {
  const size = holds(kernel, name, array, shape);
  broadcasts(kernel, name, shape, to);
  return size;
}

/** Throws unless each of the first `n` ids is in [0, limit), or is `ignore`. */
function inRange(kernel: string, name: string, ids: Int32Array, n: number, limit: number, ignore?: number): void {
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < limit) && id !== ignore) {
      throw new RangeError(`${kernel}: ${name}[${i}] = ${id} is outside [0, ${limit})`);
    }
  }
}

/**
 * A gather's sizes, viewing the gathered-from array as (outer, axis, inner) and index and the
 * gathered as (outer, n, inner); every index in [0, axis).
 */
function gatherSizes(
  kernel: string,
  fromName: string,
  from: Float32Array,
  outer: number,
  axis: number,
  inner: number,
  index: Int32Array,
  n: number,
  toName: string,
  to: Float32Array,
): void {
  count(kernel, 'outer', outer);
  count(kernel, 'axis', axis);
  count(kernel, 'inner', inner);
  count(kernel, 'n', n);
  const size = outer * n * inner;
  fits(kernel, fromName, from, outer * axis * inner);
  fits(kernel, 'index', index, size);
  fits(kernel, toName, to, size);
  inRange(kernel, 'index', index, size, axis);
}

/** Attention's causal rows: whole groups of T queries, 1 ≤ T ≤ Tk; rows·Tk floats an array. */
function causalArea(kernel: string, rows: number, T: number, Tk: number): number {
  count(kernel, 'T', T);
  const n = area(kernel, rows, Tk);
  if (rows > 0 && !(T >= 1 && T <= Tk && rows % T === 0)) {
    throw new RangeError(`${kernel}: rows (${rows}) must be whole groups of T (${T}) queries, with 1 ≤ T ≤ Tk (${Tk})`);
  }
  return n;
}

/** A row kernel's input and output, `n` floats each. */
function rowsIn(kernel: string, n: number, x: Float32Array, out: Float32Array): void {
  fits(kernel, 'x', x, n);
  fits(kernel, 'out', out, n);
}

/** A row kernel's backward: its output, the output's gradient and the input's, `n` floats each. */
function rowsBack(kernel: string, n: number, y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  fits(kernel, 'y', y, n);
  fits(kernel, 'dy', dy, n);
  fits(kernel, 'dx', dx, n);
}

/** Cross-entropy's sizes: logits (and dx) rows·cols floats, targets and lse one a row, each target in [0, cols). */
function crossEntropySizes(
  kernel: string,
  logits: Float32Array,
  rows: number,
  cols: number,
  targets: Int32Array,
  ignoreIndex: number,
  lse: Float32Array,
  dx: Float32Array | null,
): void {
  const n = area(kernel, rows, cols);
  fits(kernel, 'logits', logits, n);
  fits(kernel, 'dx', dx, n);
  fits(kernel, 'targets', targets, rows);
  fits(kernel, 'lse', lse, rows);
  inRange(kernel, 'targets', targets, rows, cols, ignoreIndex);
}

/** AdamW's gradient and moments hold as many floats as its parameter. */
function adamwSizes(kernel: string, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array): void {
  fits(kernel, 'g', g, p.length);
  fits(kernel, 'm', m, p.length);
  fits(kernel, 'v', v, p.length);
}

/**
 * The checks, kernel by kernel; a backend calls `kernelBounds.softmax(x, rows, cols, out)` with
 * its own arguments before running the kernel. The CPU backend makes them for every kernel, the
 * WebAssembly backend for every kernel it runs itself.
 * @example
 * kernelBounds.softmax(new Float32Array(6), 2, 4, new Float32Array(8));
 * // RangeError: softmax: x holds 6 floats where 8 are needed
 */
export const kernelBounds: KernelBounds = {
  unary: (_op, x, out) => fits('unary', 'out', out, x.length),
  unaryBackward(_op, x, y, dy, dx) {
    fits('unaryBackward', 'y', y, x.length);
    fits('unaryBackward', 'dy', dy, x.length);
    fits('unaryBackward', 'dx', dx, x.length);
  },
  unaryWithDerivative(_op, x, out, derivative) {
    fits('unaryWithDerivative', 'out', out, x.length);
    fits('unaryWithDerivative', 'derivative', derivative, x.length);
  },
  powScalar: (x, _p, out) => fits('powScalar', 'out', out, x.length),
  powScalarBackward(x, _p, dy, dx) {
    fits('powScalarBackward', 'dy', dy, x.length);
    fits('powScalarBackward', 'dx', dx, x.length);
  },
  binary(_op, a, aShape, b, bShape, out, outShape) {
    holds('binary', 'out', out, outShape);
    operand('binary', 'a', a, aShape, outShape);
    operand('binary', 'b', b, bShape, outShape);
  },
  where(cond, condShape, a, aShape, b, bShape, out, outShape) {
    holds('where', 'out', out, outShape);
    operand('where', 'cond', cond, condShape, outShape);
    operand('where', 'a', a, aShape, outShape);
    operand('where', 'b', b, bShape, outShape);
  },
  axpy: (_alpha, x, y) => fits('axpy', 'y', y, x.length),
  sumTo(x, xShape, out, outShape) {
    holds('sumTo', 'x', x, xShape);
    operand('sumTo', 'out', out, outShape, xShape);
  },
  broadcastTo(x, xShape, out, outShape) {
    holds('broadcastTo', 'out', out, outShape);
    operand('broadcastTo', 'x', x, xShape, outShape);
  },
  maxTo(x, xShape, out, outShape, argmax) {
    holds('maxTo', 'x', x, xShape);
    fits('maxTo', 'argmax', argmax, operand('maxTo', 'out', out, outShape, xShape));
  },
  scatterAdd(dy, index, dx) {
    fits('scatterAdd', 'index', index, dy.length);
    inRange('scatterAdd', 'index', index, dy.length, dx.length);
  },
  permute(x, xShape, dims, out) {
    const size = holds('permute', 'x', x, xShape);
    let seen = 0;
    for (const d of dims) seen |= Number.isInteger(d) && d >= 0 && d < xShape.length ? 1 << d : 1 << 30;
    if (dims.length !== xShape.length || seen !== 2 ** xShape.length - 1) {
      throw new RangeError(`permute: dims [${dims.join(', ')}] are not an order of x's ${xShape.length} axes`);
    }
    fits('permute', 'out', out, size);
  },
  copyAxis(src, srcAxis, srcStart, dst, dstAxis, dstStart, outer, len, inner) {
    count('copyAxis', 'srcAxis', srcAxis);
    count('copyAxis', 'srcStart', srcStart);
    count('copyAxis', 'dstAxis', dstAxis);
    count('copyAxis', 'dstStart', dstStart);
    count('copyAxis', 'outer', outer);
    count('copyAxis', 'len', len);
    count('copyAxis', 'inner', inner);
    if (srcStart + len > srcAxis || dstStart + len > dstAxis) {
      throw new RangeError(
        `copyAxis: ${len} entries from ${srcStart} of ${srcAxis} to ${dstStart} of ${dstAxis} run past an axis`,
      );
    }
    fits('copyAxis', 'src', src, outer * srcAxis * inner);
    fits('copyAxis', 'dst', dst, outer * dstAxis * inner);
  },
  gather: (x, outer, axis, inner, index, n, out) =>
    gatherSizes('gather', 'x', x, outer, axis, inner, index, n, 'out', out),
  gatherBackward: (dy, outer, axis, inner, index, n, dx) =>
    gatherSizes('gatherBackward', 'dx', dx, outer, axis, inner, index, n, 'dy', dy),
  indexSelect(x, rowSize, ids, out) {
    count('indexSelect', 'rowSize', rowSize);
    fits('indexSelect', 'out', out, ids.length * rowSize);
    if (rowSize > 0) inRange('indexSelect', 'ids', ids, ids.length, Math.floor(x.length / rowSize));
  },
  indexSelectBackward(dy, rowSize, ids, dx) {
    count('indexSelectBackward', 'rowSize', rowSize);
    fits('indexSelectBackward', 'dy', dy, ids.length * rowSize);
    if (rowSize > 0) inRange('indexSelectBackward', 'ids', ids, ids.length, Math.floor(dx.length / rowSize));
  },
  softmax: (x, rows, cols, out) => rowsIn('softmax', area('softmax', rows, cols), x, out),
  softmaxBackward: (y, dy, rows, cols, dx) =>
    rowsBack('softmaxBackward', area('softmaxBackward', rows, cols), y, dy, dx),
  causalSoftmax: (x, rows, T, Tk, _scale, out) =>
    rowsIn('causalSoftmax', causalArea('causalSoftmax', rows, T, Tk), x, out),
  causalSoftmaxBackward: (y, dy, rows, T, Tk, _scale, dx) =>
    rowsBack('causalSoftmaxBackward', causalArea('causalSoftmaxBackward', rows, T, Tk), y, dy, dx),
  logSoftmax: (x, rows, cols, out) => rowsIn('logSoftmax', area('logSoftmax', rows, cols), x, out),
  logSoftmaxBackward: (y, dy, rows, cols, dx) =>
    rowsBack('logSoftmaxBackward', area('logSoftmaxBackward', rows, cols), y, dy, dx),
  crossEntropy: (logits, rows, cols, targets, ignoreIndex, lse) =>
    crossEntropySizes('crossEntropy', logits, rows, cols, targets, ignoreIndex, lse, null),
  crossEntropyBackward: (logits, lse, rows, cols, targets, ignoreIndex, _scale, dx) =>
    crossEntropySizes('crossEntropyBackward', logits, rows, cols, targets, ignoreIndex, lse, dx),
  layerNorm(x, rows, cols, weight, bias, _eps, out, mean, rstd) {
    const n = area('layerNorm', rows, cols);
    fits('layerNorm', 'x', x, n);
    fits('layerNorm', 'out', out, n);
    fits('layerNorm', 'weight', weight, cols);
    fits('layerNorm', 'bias', bias, cols);
    fits('layerNorm', 'mean', mean, rows);
    fits('layerNorm', 'rstd', rstd, rows);
  },
  layerNormBackward(x, dy, rows, cols, weight, mean, rstd, dx, dWeight, dBias) {
    const n = area('layerNormBackward', rows, cols);
    fits('layerNormBackward', 'x', x, n);
    fits('layerNormBackward', 'dy', dy, n);
    fits('layerNormBackward', 'dx', dx, n);
    fits('layerNormBackward', 'weight', weight, cols);
    fits('layerNormBackward', 'dWeight', dWeight, cols);
    fits('layerNormBackward', 'dBias', dBias, cols);
    fits('layerNormBackward', 'mean', mean, rows);
    fits('layerNormBackward', 'rstd', rstd, rows);
  },
  adamw: (p, g, m, v) => adamwSizes('adamw', p, g, m, v),
  adamwMany(params) {
    for (let i = 0; i < params.length; i++) {
      const { p, g, m, v } = params[i]!;
      if (g.length < p.length || m.length < p.length || v.length < p.length) adamwSizes(`adamwMany[${i}]`, p, g, m, v);
    }
  },
  sgd(p, g, buf) {
    fits('sgd', 'g', g, p.length);
    fits('sgd', 'buf', buf, p.length);
  },
};

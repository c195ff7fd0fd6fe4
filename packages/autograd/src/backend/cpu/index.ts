// The CPU backend: plain TypeScript kernels on Float32Array, gathered into one `Backend` object.

import type { Backend } from '../backend.js';
import { kernelBounds } from '../bounds.js';
import type { BoundedKernel } from '../bounds.js';
import { binary, where } from './binary.js';
import {
  causalSoftmax,
  causalSoftmaxBackward,
  crossEntropy,
  crossEntropyBackward,
  logSoftmax,
  logSoftmaxBackward,
  softmax,
  softmaxBackward,
} from './softmax.js';
import { layerNorm, layerNormBackward } from './layer-norm.js';
import { BufferPool } from './pool.js';
import { sgemm } from './matmul.js';
import { sgemmBatched } from './matmul-batched.js';
import { adamw, adamwMany, sgd } from './optim.js';
import { axpy, broadcastTo, maxTo, scale, scatterAdd, sumSquares, sumTo } from './reduce.js';
import { copyAxis, gather, gatherBackward, indexSelect, indexSelectBackward, permute } from './shape.js';
import { powScalar, powScalarBackward, unary, unaryBackward } from './unary.js';

const pool = new BufferPool();

/** `kernel`, run once `kernelBounds` has found its arguments fit one another (else a RangeError, nothing written). */
function bounded<K extends BoundedKernel>(name: K, kernel: NonNullable<Backend[K]>): NonNullable<Backend[K]> {
  const check = kernelBounds[name] as (...args: unknown[]) => void;
  const run = kernel as (...args: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    check(...args);
    return run(...args);
  }) as NonNullable<Backend[K]>;
}

/**
 * The default backend. Storage is ordinary `Float32Array`s: `free` keeps a buffer on a free list
 * for the next `alloc` of its length (see `BufferPool`); buffers never freed are left to the
 * garbage collector.
 */
export const cpuBackend: Backend = {
  name: 'cpu',
  alloc: (size, zeroed = true) => pool.alloc(size, zeroed),
  free: (buffer) => pool.free(buffer),
  memoryStats: () => pool.stats(),
  unary: bounded('unary', unary),
  unaryBackward: bounded('unaryBackward', unaryBackward),
  powScalar: bounded('powScalar', powScalar),
  powScalarBackward: bounded('powScalarBackward', powScalarBackward),
  binary: bounded('binary', binary),
  where: bounded('where', where),
  axpy: bounded('axpy', axpy),
  scale,
  sumSquares,
  sumTo: bounded('sumTo', sumTo),
  broadcastTo: bounded('broadcastTo', broadcastTo),
  maxTo: bounded('maxTo', maxTo),
  scatterAdd: bounded('scatterAdd', scatterAdd),
  permute: bounded('permute', permute),
  copyAxis: bounded('copyAxis', copyAxis),
  gather: bounded('gather', gather),
  gatherBackward: bounded('gatherBackward', gatherBackward),
  indexSelect: bounded('indexSelect', indexSelect),
  indexSelectBackward: bounded('indexSelectBackward', indexSelectBackward),
  sgemm,
  sgemmBatched,
  softmax: bounded('softmax', softmax),
  softmaxBackward: bounded('softmaxBackward', softmaxBackward),
  causalSoftmax: bounded('causalSoftmax', causalSoftmax),
  causalSoftmaxBackward: bounded('causalSoftmaxBackward', causalSoftmaxBackward),
  logSoftmax: bounded('logSoftmax', logSoftmax),
  logSoftmaxBackward: bounded('logSoftmaxBackward', logSoftmaxBackward),
  crossEntropy: bounded('crossEntropy', crossEntropy),
  crossEntropyBackward: bounded('crossEntropyBackward', crossEntropyBackward),
  layerNorm: bounded('layerNorm', layerNorm),
  layerNormBackward: bounded('layerNormBackward', layerNormBackward),
  adamw: bounded('adamw', adamw),
  adamwMany: bounded('adamwMany', adamwMany),
  sgd: bounded('sgd', sgd),
};

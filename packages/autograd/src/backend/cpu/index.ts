// The CPU backend: plain TypeScript kernels on Float32Array, gathered into one `Backend` object.

import type { Backend } from '../backend.js';
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
  unary,
  unaryBackward,
  powScalar,
  powScalarBackward,
  binary,
  where,
  axpy,
  scale,
  sumSquares,
  sumTo,
  broadcastTo,
  maxTo,
  scatterAdd,
  permute,
  copyAxis,
  gather,
  gatherBackward,
  indexSelect,
  indexSelectBackward,
  sgemm,
  sgemmBatched,
  softmax,
  softmaxBackward,
  causalSoftmax,
  causalSoftmaxBackward,
  logSoftmax,
  logSoftmaxBackward,
  crossEntropy,
  crossEntropyBackward,
  layerNorm,
  layerNormBackward,
  adamw,
  adamwMany,
  sgd,
};

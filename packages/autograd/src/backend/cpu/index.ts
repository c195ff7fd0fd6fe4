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
import { sgemm, sgemmBatched } from './matmul.js';
import { adamw, adamwMany, sgd } from './optim.js';
import { axpy, broadcastTo, maxTo, scale, scatterAdd, sumSquares, sumTo } from './reduce.js';
import { copyAxis, gather, gatherBackward, indexSelect, indexSelectBackward, permute } from './shape.js';
import { powScalar, powScalarBackward, unary, unaryBackward } from './unary.js';

/**
 * The default backend. Storage is ordinary `Float32Array`s left to the garbage collector, so
 * `free` has nothing to do.
 */
export const cpuBackend: Backend = {
  name: 'cpu',
  alloc: (size) => new Float32Array(size),
  free: () => {},
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

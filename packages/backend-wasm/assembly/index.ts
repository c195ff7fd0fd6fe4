// The kernels module: every export here is an export of kernels.wasm (see src/module.ts for their TypeScript view).
export { sgemm, sgemmBatched, sgemmWorkspaceBytes } from './matmul';
export {
  unary, unaryBackward, powScalar, powScalarBackward, binary, where, axpy, scale, sumSquares, adamw, adamwMany, sgd,
} from './elementwise';
export { sumTo, broadcastTo, permute, copyAxis } from './reduce';
export {
  softmax, softmaxBackward, causalSoftmax, causalSoftmaxBackward, logSoftmax, logSoftmaxBackward, crossEntropy, crossEntropyBackward,
} from './softmax';
export { layerNorm, layerNormBackward } from './layernorm';
export { peakMulAdd } from './peak';

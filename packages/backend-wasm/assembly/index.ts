// The kernels module: every export here is an export of kernels.wasm (see src/module.ts for their TypeScript view).
export { sgemm, sgemmWorkspaceBytes, sgemmPackB, sgemmPackedB } from './matmul';
export { sgemmBatched } from './matmul-batched';
export { gemv } from './gemv';
export { unary, unaryBackward, unaryWithDerivative, powScalar, powScalarBackward, axpy, scale, sumSquares, zeroFill } from './elementwise';
export { binary, where } from './binary';
export { adamw, adamwMany, sgd } from './optim';
export { sumTo, broadcastTo, permute, copyAxis, indexSelectBackward } from './reduce';
export {
  softmax, softmaxBackward, causalSoftmax, causalSoftmaxBackward, logSoftmax, logSoftmaxBackward, crossEntropy, crossEntropyBackward,
} from './softmax';
export { layerNorm, layerNormBackward } from './layernorm';
export { peakMulAdd } from './peak';

// @tinygpt/autograd: tensors with reverse-mode automatic differentiation, nn modules, optimizers and kernels.

export { Tensor } from './tensor.js';
export type { Shape } from './shape.js';
export type { Node } from './graph.js';
export { noGrad, isGradEnabled } from './graph.js';
export { tidy, keep, dispose, scopeDepth, detectLeaks, takeLeaks } from './lifetime.js';
export { tensor, fromArray, zeros, ones, full, randn, rand, scalar, arange } from './creation.js';
export type { CreateOptions } from './creation.js';
export { Rng } from './rng.js';
export type { RngState } from './rng.js';

export { add, sub, mul, div, pow, exp, log, sqrt, tanh, sigmoid, relu, neg, sum, max } from './tensor-ops.js';
export { matmul } from './ops/matmul.js';
export type { MatmulOptions } from './ops/matmul.js';
export { reshape } from './ops/reshape.js';
export { permute } from './ops/permute.js';
export { expand } from './ops/expand.js';
export { slice } from './ops/slice.js';
export { concat } from './ops/concat.js';
export { where } from './ops/where.js';
export { gather } from './ops/gather.js';
export { indexSelect } from './ops/index-select.js';
export { causalSoftmax } from './ops/causal-softmax.js';
export { attentionScores } from './ops/attention-scores.js';
export { attentionValues } from './ops/attention-values.js';
export { ops } from './ops/registry.js';
export type { OpDef, OpName } from './ops/op-def.js';

export { mean, variance } from './functional/reduce.js';
export { softmax, logSoftmax } from './functional/softmax.js';
export { crossEntropy, mseLoss } from './functional/losses.js';
export type { CrossEntropyOptions, MseLossOptions } from './functional/losses.js';
export { linear, gelu, layerNorm, dropout, maskedFill, transpose } from './functional/layers.js';

export { Module } from './nn/module.js';
export type { TensorLike } from './nn/module.js';
export { Linear } from './nn/linear.js';
export type { LinearOptions } from './nn/linear.js';
export { LayerNorm } from './nn/layer-norm.js';
export { Dropout } from './nn/dropout.js';

export { SGD } from './optim/sgd.js';
export type { SgdOptions } from './optim/sgd.js';
export { AdamW } from './optim/adamw.js';
export type { AdamWOptions } from './optim/adamw.js';
export { clipGradNorm } from './optim/clip.js';
export { cosineLr, constantLr } from './optim/schedule.js';
export type { CosineLrOptions } from './optim/schedule.js';
export type { OptimizerState, ParamGroup } from './optim/optimizer.js';

export { setBackend, getBackend } from './backend/active.js';
export { cpuBackend } from './backend/cpu/index.js';
/** Loop plans a backend's broadcasting and permuting kernels share (backend-wasm uses them too). */
export { broadcastLayout, permuteLayout } from './backend/cpu/layout.js';
export type { Layout } from './backend/cpu/layout.js';
/** The check of a product's sizes, row strides (`GemmLeading`) and operand spans both backends make. */
export { checkGemmSpans } from './backend/cpu/matmul-batched.js';
export type { GemmOperand } from './backend/cpu/matmul-batched.js';
/** What every other kernel requires of its sizes and arrays, checked by both backends before it runs. */
export { kernelBounds } from './backend/bounds.js';
export type { BoundedKernel, KernelBounds } from './backend/bounds.js';
export { profileBackend, formatProfile } from './backend/profile.js';
export type { BackendProfile, ProfileRow } from './backend/profile.js';
export type {
  Backend,
  BinaryOp,
  UnaryOp,
  GemmMask,
  GemmLeading,
  KernelShape,
  AdamWParam,
  AdamWStep,
  SgdStep,
  MemoryStats,
} from './backend/backend.js';

// The names of the primitive ops and the shape of their registry entries.

import type { Tensor } from '../tensor.js';

/** Every primitive op: each has one file in `src/ops/` with its forward and backward side by side. */
export type OpName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'pow'
  | 'gelu'
  | 'sum'
  | 'max'
  | 'matmul'
  | 'reshape'
  | 'permute'
  | 'expand'
  | 'slice'
  | 'concat'
  | 'gather'
  | 'indexSelect'
  | 'where'
  | 'softmax'
  | 'causalSoftmax'
  | 'attentionScores'
  | 'attentionValues'
  | 'logSoftmax'
  | 'crossEntropy'
  | 'layerNorm';

/** A registry entry: the op's name (as recorded on graph nodes), its function, and what it computes. */
export interface OpDef<N extends OpName = OpName> {
  readonly name: N;
  readonly apply: (...args: never[]) => Tensor;
  /** One line: the function and its derivative. */
  readonly summary: string;
}

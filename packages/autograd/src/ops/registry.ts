// The registry of primitive ops: one entry per name, checked by the compiler against `OpName`.

import { addOp } from './add.js';
import { attentionScoresOp } from './attention-scores.js';
import { attentionValuesOp } from './attention-values.js';
import { causalSoftmaxOp } from './causal-softmax.js';
import { concatOp } from './concat.js';
import { crossEntropyOp } from './cross-entropy.js';
import { divOp } from './div.js';
import { expOp } from './exp.js';
import { expandOp } from './expand.js';
import { gatherOp } from './gather.js';
import { geluOp } from './gelu.js';
import { indexSelectOp } from './index-select.js';
import { layerNormOp } from './layer-norm.js';
import { logOp } from './log.js';
import { logSoftmaxOp } from './log-softmax.js';
import { matmulOp } from './matmul.js';
import { maxOp } from './max.js';
import { mulOp } from './mul.js';
import { negOp } from './neg.js';
import type { OpDef, OpName } from './op-def.js';
import { permuteOp } from './permute.js';
import { powOp } from './pow.js';
import { reluOp } from './relu.js';
import { reshapeOp } from './reshape.js';
import { sigmoidOp } from './sigmoid.js';
import { sliceOp } from './slice.js';
import { softmaxOp } from './softmax.js';
import { sqrtOp } from './sqrt.js';
import { subOp } from './sub.js';
import { sumOp } from './sum.js';
import { tanhOp } from './tanh.js';
import { whereOp } from './where.js';

/**
 * Every primitive op by name. Adding a name to `OpName` without an entry here (or an entry
 * under the wrong name) is a compile error; a meta-test fails for an entry without a `testOp` test.
 */
export const ops = {
  add: addOp,
  sub: subOp,
  mul: mulOp,
  div: divOp,
  neg: negOp,
  exp: expOp,
  log: logOp,
  sqrt: sqrtOp,
  tanh: tanhOp,
  sigmoid: sigmoidOp,
  relu: reluOp,
  pow: powOp,
  gelu: geluOp,
  sum: sumOp,
  max: maxOp,
  matmul: matmulOp,
  reshape: reshapeOp,
  permute: permuteOp,
  expand: expandOp,
  slice: sliceOp,
  concat: concatOp,
  gather: gatherOp,
  indexSelect: indexSelectOp,
  where: whereOp,
  softmax: softmaxOp,
  causalSoftmax: causalSoftmaxOp,
  attentionScores: attentionScoresOp,
  attentionValues: attentionValuesOp,
  logSoftmax: logSoftmaxOp,
  crossEntropy: crossEntropyOp,
  layerNorm: layerNormOp,
} satisfies { [N in OpName]: OpDef<N> };

// Compositions of fused ops from primitives: the references the fused kernels are tested against.

import { add } from '../ops/add.js';
import { mul } from '../ops/mul.js';
import { pow } from '../ops/pow.js';
import { sqrt } from '../ops/sqrt.js';
import { sub } from '../ops/sub.js';
import { div } from '../ops/div.js';
import { matmul } from '../ops/matmul.js';
import { permute } from '../ops/permute.js';
import { reshape } from '../ops/reshape.js';
import { slice } from '../ops/slice.js';
import { tanh } from '../ops/tanh.js';
import { scalar } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { mean, variance } from './reduce.js';

export { softmaxComposed, logSoftmaxComposed } from './softmax.js';
export { crossEntropyComposed } from './losses.js';

/** (x − mean)/√(var + eps)·w + b over the last axis, from primitives. */
export function layerNormComposed(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  const xhat = div(sub(x, mean(x, -1, true)), sqrt(add(variance(x, -1, true), scalar(eps))));
  const scaled = weight ? mul(xhat, weight) : xhat;
  return bias ? add(scaled, bias) : scaled;
}

/** ½x(1 + tanh(√(2/π)(x + 0.044715x³))) from primitives. */
export function geluTanhComposed(x: Tensor): Tensor {
  const inner = mul(add(x, mul(pow(x, 3), scalar(0.044715))), scalar(Math.sqrt(2 / Math.PI)));
  return mul(mul(x, scalar(0.5)), add(tanh(inner), scalar(1)));
}

/** Part `part` (0 queries, 1 keys, 2 values) of a (B, T, 3·C) projection as nHead heads (B, nHead, T, C / nHead), by copies. */
export function splitHeads(qkv: Tensor, nHead: number, part: 0 | 1 | 2): Tensor {
  const [B, T, threeC] = qkv.shape as [number, number, number];
  const C = threeC / 3;
  return permute(reshape(slice(qkv, 2, part * C, (part + 1) * C), [B, T, nHead, C / nHead]), [0, 2, 1, 3]);
}

/** attentionScores from split-out heads: the causal q·kᵀ of each. */
export function attentionScoresComposed(qkv: Tensor, nHead: number): Tensor {
  return matmul(splitHeads(qkv, nHead, 0), splitHeads(qkv, nHead, 1), { transB: true, causal: 'output' });
}

/** attentionValues from split-out heads: each head's lower(att)·v, then the heads merged side by side. */
export function attentionValuesComposed(att: Tensor, qkv: Tensor, nHead: number): Tensor {
  const [B, T, threeC] = qkv.shape as [number, number, number];
  const y = matmul(att, splitHeads(qkv, nHead, 2), { causal: 'left' });
  return reshape(permute(y, [0, 2, 1, 3]), [B, T, threeC / 3]);
}

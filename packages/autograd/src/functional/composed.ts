// Compositions of fused ops from primitives: the references the fused kernels are tested against.

import { add } from '../ops/add.js';
import { mul } from '../ops/mul.js';
import { pow } from '../ops/pow.js';
import { sqrt } from '../ops/sqrt.js';
import { sub } from '../ops/sub.js';
import { div } from '../ops/div.js';
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

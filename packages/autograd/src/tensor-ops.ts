// The functions behind Tensor's methods: ops and composites, with plain numbers lifted to scalar tensors.

import { scalar } from './creation.js';
import { add as addT } from './ops/add.js';
import { div as divT } from './ops/div.js';
import { mul as mulT } from './ops/mul.js';
import { sub as subT } from './ops/sub.js';
import type { Tensor } from './tensor.js';

export { neg } from './ops/neg.js';
export { exp } from './ops/exp.js';
export { log } from './ops/log.js';
export { sqrt } from './ops/sqrt.js';
export { tanh } from './ops/tanh.js';
export { sigmoid } from './ops/sigmoid.js';
export { relu } from './ops/relu.js';
export { gelu } from './ops/gelu.js';
export { pow } from './ops/pow.js';
export { sum } from './ops/sum.js';
export { max } from './ops/max.js';
export { matmul } from './ops/matmul.js';
export { reshape } from './ops/reshape.js';
export { permute } from './ops/permute.js';
export { expand } from './ops/expand.js';
export { slice } from './ops/slice.js';
export { mean, variance } from './functional/reduce.js';
export { softmax, logSoftmax } from './functional/softmax.js';
export { maskedFill, transpose } from './functional/layers.js';

const lift = (o: Tensor | number): Tensor => (typeof o === 'number' ? scalar(o) : o);

/** a + o, a number standing for a scalar tensor. */
export const add = (a: Tensor, o: Tensor | number): Tensor => addT(a, lift(o));
/** a − o. */
export const sub = (a: Tensor, o: Tensor | number): Tensor => subT(a, lift(o));
/** a · o. */
export const mul = (a: Tensor, o: Tensor | number): Tensor => mulT(a, lift(o));
/** a / o. */
export const div = (a: Tensor, o: Tensor | number): Tensor => divT(a, lift(o));

// AdamW's moment buffers as named tensors (`<nanoGPT parameter name>.exp_avg`, `.exp_avg_sq`, as PyTorch calls them) and back.
import type { OptimizerState } from '@tinygpt/autograd';
import type { ConfiguredOptimizer } from '../optimizer.js';
import type { NamedTensor } from './checkpoint-files.js';
import { CheckpointError } from './format.js';
import { toNanoGptName } from './names.js';

/** The optimizer's first and second moments by parameter name, shaped like their parameters, plus its scalars. */
export function optimizerTensors({ optimizer, order }: ConfiguredOptimizer): {
  tensors: Record<string, NamedTensor>;
  scalars: { step: number; lr: number };
} {
  const state = optimizer.stateDict();
  const tensors: Record<string, NamedTensor> = {};
  order.forEach(([name, p], i) => {
    const key = toNanoGptName(name);
    tensors[`${key}.exp_avg`] = { shape: [...p.shape], data: state.buffers.m![i]! };
    tensors[`${key}.exp_avg_sq`] = { shape: [...p.shape], data: state.buffers.v![i]! };
  });
  return { tensors, scalars: { step: state.step, lr: state.lr } };
}

/** Restores moments saved by {@link optimizerTensors}; a missing or misshapen buffer is a CheckpointError naming it. */
export function loadOptimizerTensors(
  { optimizer, order }: ConfiguredOptimizer,
  tensors: Record<string, NamedTensor>,
  scalars: { step: number; lr?: number },
  where: string,
): void {
  const buffer = (key: string, size: number): Float32Array => {
    const t = tensors[key];
    if (!t) throw new CheckpointError(`${where} lacks the optimizer state "${key}"`);
    if (t.data.length !== size)
      throw new CheckpointError(`${where}: "${key}" has ${t.data.length} values, the parameter ${size}`);
    return t.data;
  };
  const m = order.map(([name, p]) => buffer(`${toNanoGptName(name)}.exp_avg`, p.size));
  const v = order.map(([name, p]) => buffer(`${toNanoGptName(name)}.exp_avg_sq`, p.size));
  const extra = Object.keys(tensors).length - 2 * order.length;
  if (extra !== 0)
    throw new CheckpointError(`${where} holds ${extra} optimizer tensors that match no parameter of the model`);
  const state: OptimizerState = {
    kind: 'adamw',
    step: scalars.step,
    lr: scalars.lr ?? optimizer.lr,
    buffers: { m, v },
  };
  optimizer.loadStateDict(state);
}

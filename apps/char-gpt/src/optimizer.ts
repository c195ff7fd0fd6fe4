// nanoGPT's configure_optimizers: AdamW with weight decay on the 2-D weights (matmuls, embeddings) and none on biases and LayerNorm gains.
import { AdamW } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import type { TrainConfig } from './config.js';
import type { Gpt } from './model/gpt.js';

/** The optimizer and the named parameters in the order its state buffers follow. */
export interface ConfiguredOptimizer {
  optimizer: AdamW;
  /** Parameter names and tensors in optimizer-group order: decayed weights first, then the rest. */
  order: [name: string, param: Tensor][];
}

/**
 * AdamW over two groups, as nanoGPT's `configure_optimizers`: every parameter with ≥ 2
 * dimensions decays by `weightDecay`, every bias and LayerNorm weight not at all. (The tied
 * lm_head is the embedding, so it decays once.)
 *
 * @example
 * const { optimizer } = configureOptimizer(model, config); // optimizer.lr = lrAt(iter); optimizer.step();
 */
export function configureOptimizer(
  model: Gpt,
  config: Pick<TrainConfig, 'learningRate' | 'weightDecay' | 'beta1' | 'beta2'>,
): ConfiguredOptimizer {
  const named = model.namedParameters();
  const decay = named.filter(([, p]) => p.ndim >= 2);
  const noDecay = named.filter(([, p]) => p.ndim < 2);
  const optimizer = new AdamW(
    [
      { params: decay.map(([, p]) => p), weightDecay: config.weightDecay },
      { params: noDecay.map(([, p]) => p), weightDecay: 0 },
    ],
    { lr: config.learningRate, betas: [config.beta1, config.beta2], eps: 1e-8 },
  );
  return { optimizer, order: [...decay, ...noDecay] };
}

// Fixtures the cli-kit tests share: nanoGPT-like defaults and the spec that describes them.
import type { ConfigSpec } from './config.js';
import { inRange, isPositiveInteger } from './validators.js';

export const defaults = {
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  learningRate: 1e-3,
  dropout: 0,
  initFrom: 'scratch',
  outDir: 'out',
  bias: false,
  compile: true,
  beta2: 0.99,
};

export const spec: ConfigSpec<typeof defaults> = {
  help: {
    nLayer: 'transformer blocks',
    nHead: 'attention heads per block',
    nEmbd: 'embedding width',
    learningRate: 'peak AdamW learning rate',
    dropout: 'dropout probability',
    initFrom: 'start from fresh weights or the checkpoint in outDir',
    outDir: 'where checkpoints go',
    bias: 'biases in Linear and LayerNorm layers',
    compile: 'accepted for nanoGPT command lines',
    beta2: 'AdamW beta2',
  },
  choices: { initFrom: ['scratch', 'resume'] },
  validate: {
    nLayer: isPositiveInteger,
    dropout: inRange(0, 1, { maxExclusive: true }),
    nHead: (nHead, config) => (config.nEmbd % nHead === 0 ? undefined : `a divisor of nEmbd (${config.nEmbd})`),
  },
};

// A tiny network built and trained by the app's own pieces learns XOR, which no single layer can.
import { describe, expect, it } from 'vitest';
import { noGrad, Rng, tensor } from '@tinygpt/autograd';
import { defaults } from '../src/config.js';
import type { MnistConfig } from '../src/config.js';
import { argmaxRows, cost, createModel } from '../src/model.js';
import { createOptimizer } from '../src/train.js';

const x = tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
const labels = Int32Array.from([0, 1, 1, 0]);

function learnXor(overrides: Partial<MnistConfig>, steps: number): { predictions: number[]; loss: number } {
  const config = { ...defaults, ...overrides };
  const model = createModel([2, 4, 2], config, new Rng(7));
  const optimizer = createOptimizer(config, model.parameters());
  let loss = Infinity;
  for (let step = 0; step < steps; step++) {
    const l = cost(model.forward(x), labels, config.loss);
    optimizer.zeroGrad();
    l.backward();
    optimizer.step();
    loss = l.item();
  }
  const out = noGrad(() => model.forward(x));
  return { predictions: Array.from(argmaxRows(out.data, 4, 2)), loss };
}

describe('a 2-4-2 network learns XOR', () => {
  it('with sigmoid neurons, the squared-difference cost and plain gradient descent', () => {
    const { predictions, loss } = learnXor(
      { activation: 'sigmoid', loss: 'mse', optimizer: 'sgd', learningRate: 2, init: 'normal' },
      3000,
    );
    expect(predictions).toEqual([0, 1, 1, 0]);
    expect(loss).toBeLessThan(0.05); // four examples, each output within ~0.1 of its target
  });

  it('with ReLU neurons, softmax cross-entropy and Adam', () => {
    const { predictions, loss } = learnXor(
      { activation: 'relu', loss: 'cross-entropy', optimizer: 'adam', learningRate: 0.05 },
      300,
    );
    expect(predictions).toEqual([0, 1, 1, 0]);
    expect(loss).toBeLessThan(0.05);
  });

  it('a network without a hidden layer cannot (XOR is not linearly separable)', () => {
    const config = { ...defaults, loss: 'cross-entropy' as const, optimizer: 'adam' as const, learningRate: 0.05 };
    const model = createModel([2, 2], config, new Rng(7));
    const optimizer = createOptimizer(config, model.parameters());
    for (let step = 0; step < 300; step++) {
      const l = cost(model.forward(x), labels, config.loss);
      optimizer.zeroGrad();
      l.backward();
      optimizer.step();
    }
    const out = noGrad(() => model.forward(x));
    expect(Array.from(argmaxRows(out.data, 4, 2))).not.toEqual([0, 1, 1, 0]);
  });
});

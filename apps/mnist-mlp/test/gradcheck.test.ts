// The classic 784-16-16-10 network's backprop, checked against finite differences of its cost.
import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@tinygpt/autograd';
import { gradcheck } from '@tinygpt/autograd/testing';
import { defaults, parseArch, presets } from '../src/config.js';
import { cost, createModel } from '../src/model.js';

/** A small batch of random "images" of `d` pixels in [0, 1] with random labels. */
function batch(n: number, rng: Rng, d = 784): { x: ReturnType<typeof tensor>; labels: Int32Array } {
  const pixels = Float32Array.from({ length: n * d }, () => rng.random());
  return { x: tensor(pixels, [n, d]), labels: Int32Array.from({ length: n }, () => rng.int(10)) };
}

describe('gradient of the digit network by finite differences', () => {
  it('classic: 784-16-16-10 sigmoid, sum of squared differences — every weight and bias', () => {
    const config = { ...defaults, ...presets.classic };
    const rng = new Rng(3);
    const model = createModel(parseArch(config.arch), config, rng);
    const { x, labels } = batch(2, rng);
    const params = model.parameters();
    expect(params.map((p) => p.shape)).toEqual([[16, 784], [16], [16, 16], [16], [10, 16], [10]]);
    gradcheck(() => cost(model.forward(x), labels, 'mse'), params, { eps: 1e-2, atol: 2e-3, rtol: 2e-2 });
  }, 60_000);

  it('modern kind, smaller input: ReLU hidden layers, softmax cross-entropy', () => {
    const config = { ...defaults, activation: 'relu' as const, loss: 'cross-entropy' as const };
    const rng = new Rng(4);
    const model = createModel([64, 12, 8, 10], config, rng);
    const { x, labels } = batch(2, rng, 64);
    gradcheck(() => cost(model.forward(x), labels, 'cross-entropy'), model.parameters(), {
      eps: 1e-3,
      atol: 2e-3,
      rtol: 2e-2,
    });
  }, 60_000);

  it('the mse cost is Σᵢ (aᵢ − yᵢ)² per example, averaged over the batch (no ½)', () => {
    const out = tensor([0.5, 0.25, 0, 1, 0, 0], [2, 3]);
    // example 0, label 1: 0.5² + 0.75² + 0² = 0.8125; example 1, label 0: 0² + 0² + 0² = 0
    expect(cost(out, Int32Array.from([1, 0]), 'mse').item()).toBeCloseTo(0.40625, 6);
  });
});

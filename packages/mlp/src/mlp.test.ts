// Tests of Mlp: 3Blue1Brown's 784-16-16-10 network, activations against loops, gradient, init, training, errors.
import { describe, expect, it } from 'vitest';
import { Rng, SGD, crossEntropy, randn, tensor } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { gradcheck } from '@tinygpt/autograd/testing';
import { Mlp } from './mlp.js';
import type { Activation } from './mlp.js';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const fns: Record<Activation | 'none', (v: number) => number> = {
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  relu: (v) => Math.max(v, 0),
  tanh: Math.tanh,
  none: (v) => v,
};

/** Every layer's output of `net` on x, as loops in float64. */
function naiveActivations(net: Mlp, x: Tensor): number[][] {
  let h = x.toArray();
  const N = x.shape[0]!;
  return net.layers.map((layer, i) => {
    const [out, inp] = layer.weight.shape as [number, number];
    const [W, b] = [layer.weight.toArray(), layer.bias!.toArray()];
    const f = fns[i === net.layers.length - 1 ? net.outputActivation : net.activation];
    const next: number[] = [];
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < out; o++) {
        let s = b[o]!;
        for (let k = 0; k < inp; k++) s += h[n * inp + k]! * W[o * inp + k]!;
        next.push(f(s));
      }
    }
    return (h = next);
  });
}

const stats = (t: Tensor) => {
  const v = t.toArray();
  const mean = v.reduce((a, x) => a + x, 0) / v.length;
  return {
    mean,
    std: Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length),
    maxAbs: v.reduce((m, x) => Math.max(m, Math.abs(x)), 0),
  };
};

describe('Mlp', () => {
  it("is 3Blue1Brown's digit network: 784-16-16-10 has 13,002 parameters", () => {
    const net = new Mlp([784, 16, 16, 10], { activation: 'sigmoid', rng: new Rng(1337) });
    expect(net.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([
      ['layers.0.weight', [16, 784]],
      ['layers.0.bias', [16]],
      ['layers.1.weight', [16, 16]],
      ['layers.1.bias', [16]],
      ['layers.2.weight', [10, 16]],
      ['layers.2.bias', [10]],
    ]);
    expect(net.parameters().reduce((n, p) => n + p.size, 0)).toBe(13_002);
    const x = randn([5, 784], new Rng(1));
    expect(net.forward(x).shape).toEqual([5, 10]);
    expect(net.activations(x).map((a) => a.shape)).toEqual([
      [5, 16],
      [5, 16],
      [5, 10],
    ]);
  });

  it('computes every layer as a float64 loop would, for each activation and output activation', () => {
    const x = randn([4, 6], new Rng(2));
    for (const activation of ['sigmoid', 'relu', 'tanh'] as const) {
      for (const outputActivation of ['none', 'sigmoid'] as const) {
        const net = new Mlp([6, 5, 4, 3], { activation, outputActivation, rng: new Rng(3) });
        const acts = net.activations(x);
        const ref = naiveActivations(net, x);
        acts.forEach((a, i) => expect(maxAbsDiff(a.data, ref[i]!)).toBeLessThan(1e-6));
        expect(net.forward(x).data).toEqual(acts[2]!.data);
      }
    }
    // The activation really is applied: sigmoid outputs lie in (0, 1), relu outputs are ≥ 0 with zeros.
    const hidden = (a: Activation) =>
      new Mlp([6, 50, 3], { activation: a, rng: new Rng(4) }).activations(x)[0]!.toArray();
    expect(hidden('sigmoid').every((v) => v > 0 && v < 1)).toBe(true);
    expect(hidden('relu').some((v) => v === 0) && hidden('relu').every((v) => v >= 0)).toBe(true);
    expect(hidden('tanh').some((v) => v < 0)).toBe(true);
  });

  it('passes a gradient check through its whole forward, for each activation', () => {
    for (const activation of ['sigmoid', 'relu', 'tanh'] as const) {
      const net = new Mlp([3, 4, 2], { activation, outputActivation: 'tanh', rng: new Rng(5) });
      const x = randn([3, 3], new Rng(6), { requiresGrad: true });
      gradcheck(() => crossEntropy(net.forward(x), Int32Array.of(0, 1, 1)), [x, ...net.parameters()]);
    }
  });

  it("initialises as PyTorch's nn.Linear by default: weights and biases uniform(±1/sqrt(fanIn))", () => {
    const net = new Mlp([784, 64, 10], { activation: 'relu', rng: new Rng(7) });
    const bound = 1 / Math.sqrt(784);
    const w = stats(net.layers[0]!.weight);
    expect(w.maxAbs).toBeLessThanOrEqual(bound);
    expect(w.maxAbs).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(w.mean)).toBeLessThan(bound / 50);
    expect(w.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 1); // a uniform's std is its half-width / sqrt(3)
    const b = stats(net.layers[0]!.bias!);
    expect(b.maxAbs).toBeLessThanOrEqual(bound);
    expect(b.std).toBeGreaterThan(bound / 4);
    expect(stats(net.layers[1]!.weight).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(64));
  });

  it("initialises as Nielsen's network2.py with init 'normal': weights normal(0, 1/sqrt(fanIn)), biases normal(0, 1)", () => {
    const net = new Mlp([400, 500, 10], { activation: 'sigmoid', rng: new Rng(8), init: 'normal' });
    expect(stats(net.layers[0]!.weight).std * Math.sqrt(400)).toBeCloseTo(1, 1);
    expect(stats(net.layers[0]!.bias!).std).toBeCloseTo(1, 0);
    expect(stats(net.layers[0]!.weight).maxAbs).toBeGreaterThan(3 / Math.sqrt(400));
  });

  it('learns XOR, which no single layer can, with plain SGD', () => {
    const net = new Mlp([2, 8, 2], { activation: 'tanh', rng: new Rng(9) });
    const x = tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
    const y = Int32Array.of(0, 1, 1, 0);
    const opt = new SGD(net.parameters(), { lr: 0.5, momentum: 0.9 });
    let loss = Infinity;
    for (let step = 0; step < 200; step++) {
      opt.zeroGrad();
      const l = crossEntropy(net.forward(x), y);
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
    const logits = net.forward(x).toArray();
    expect([0, 1, 2, 3].map((n) => (logits[2 * n + 1]! > logits[2 * n]! ? 1 : 0))).toEqual([0, 1, 1, 0]);
  });

  it('rejects bad sizes, activations and inputs with clear errors', () => {
    const rng = new Rng(1);
    expect(() => new Mlp([784], { activation: 'sigmoid', rng })).toThrow(
      'Mlp: sizes must be two or more positive integers, got [784]',
    );
    expect(() => new Mlp([4, 2.5, 1], { activation: 'sigmoid', rng })).toThrow(
      /sizes must be two or more positive integers/,
    );
    expect(() => new Mlp([4, 2], { activation: 'softplus' as Activation, rng })).toThrow(
      "Mlp: activation must be one of sigmoid, relu, tanh; got 'softplus'",
    );
    const net = new Mlp([784, 16, 10], { activation: 'sigmoid', rng });
    expect(() => net.forward(randn([2, 783], rng))).toThrow('Mlp: expected input of shape (N, 784), got (2, 783)');
  });

  it('gives bit-identical parameters and outputs for the same seed, different ones for another', () => {
    const x = randn([3, 20], new Rng(10));
    const run = (seed: number) => {
      const net = new Mlp([20, 7, 5], { activation: 'relu', rng: new Rng(seed) });
      return { params: net.parameters().map((p) => Array.from(p.data)), y: Array.from(net.forward(x).data) };
    };
    expect(run(41)).toEqual(run(41));
    expect(run(42).params).not.toEqual(run(41).params);
  });
});

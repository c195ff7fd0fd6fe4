// The plain multilayer perceptron of 3Blue1Brown's series: fully connected layers with an activation between them.
import { Linear, Module, rand, randn } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';

/** The nonlinearity applied after a layer. */
export type Activation = 'sigmoid' | 'relu' | 'tanh';

/** How {@link Mlp} initialises weights and biases. */
export type MlpInit = 'default' | 'normal';

/** Options of {@link Mlp}. */
export interface MlpOptions {
  /** Between hidden layers. */
  activation: Activation;
  /** The only source of randomness. */
  rng: Rng;
  /** After the last layer; 'none' (the default) leaves raw logits for crossEntropy. */
  outputActivation?: Activation | 'none';
  /**
   * 'default': PyTorch nn.Linear's init, weights and biases uniform(−1/sqrt(fanIn), 1/sqrt(fanIn)).
   * 'normal': Nielsen's network2.py (the book 3Blue1Brown's series follows), weights
   * normal(0, 1/sqrt(fanIn)), biases normal(0, 1).
   */
  init?: MlpInit;
}

const ACTIVATIONS = ['sigmoid', 'relu', 'tanh'] as const;

function activate(x: Tensor, activation: Activation | 'none'): Tensor {
  if (activation === 'sigmoid') return x.sigmoid();
  if (activation === 'relu') return x.relu();
  if (activation === 'tanh') return x.tanh();
  return x;
}

/**
 * A stack of Linear layers of the given sizes: `new Mlp([784, 16, 16, 10], { activation: 'sigmoid', rng })`
 * is 3Blue1Brown's digit network — 784 pixels in, two hidden layers of 16, 10 digit scores out,
 * 13,002 parameters. Parameters: Σ (sizes[i]·sizes[i+1] + sizes[i+1]) over consecutive sizes.
 *
 * @example
 * const net = new Mlp([784, 16, 16, 10], { activation: 'sigmoid', rng: new Rng(1337) });
 * net.forward(images).shape;                        // images (N, 784) → [N, 10]
 * net.activations(images).map((a) => a.shape[1]); // [16, 16, 10]
 */
export class Mlp extends Module {
  /** layers[i]: weight (sizes[i+1], sizes[i]), bias (sizes[i+1]); checkpoint names "layers.0.weight", … */
  layers: Linear[];
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly outputActivation: Activation | 'none';

  constructor(sizes: readonly number[], opts: MlpOptions) {
    super();
    if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new RangeError(`Mlp: sizes must be two or more positive integers, got [${sizes.join(', ')}]`);
    }
    const { activation, rng, outputActivation = 'none', init = 'default' } = opts;
    if (!ACTIVATIONS.includes(activation)) {
      throw new Error(`Mlp: activation must be one of ${ACTIVATIONS.join(', ')}; got '${String(activation)}'`);
    }
    if (outputActivation !== 'none' && !ACTIVATIONS.includes(outputActivation)) {
      throw new Error(
        `Mlp: outputActivation must be 'none' or one of ${ACTIVATIONS.join(', ')}; got '${String(outputActivation)}'`,
      );
    }
    if (init !== 'default' && init !== 'normal')
      throw new Error(`Mlp: init must be 'default' or 'normal', got '${String(init)}'`);
    this.layers = sizes.slice(1).map((fanOut, i) => {
      const fanIn = sizes[i]!;
      const bound = 1 / Math.sqrt(fanIn);
      if (init === 'normal') {
        const layer = new Linear(fanIn, fanOut, { bias: true, rng, std: bound });
        layer.bias?.data.set(randn([fanOut], rng).data);
        return layer;
      }
      // Linear draws normal weights; PyTorch's default replaces them (and the zero bias) with uniform ones.
      const layer = new Linear(fanIn, fanOut, { bias: true, rng });
      layer.weight.data.set(rand([fanOut, fanIn], rng, { low: -bound, high: bound }).data);
      layer.bias?.data.set(rand([fanOut], rng, { low: -bound, high: bound }).data);
      return layer;
    });
    this.sizes = [...sizes];
    this.activation = activation;
    this.outputActivation = outputActivation;
  }

  /** (N, sizes[0]) → (N, sizes.at(-1)): activation between layers, outputActivation after the last. */
  forward(x: Tensor): Tensor {
    return this.activations(x).at(-1)!;
  }

  /** Every layer's output after its activation, layer by layer: [(N, sizes[1]), …, (N, sizes.at(-1))]. */
  activations(x: Tensor): Tensor[] {
    if (x.ndim !== 2 || x.shape[1] !== this.sizes[0]) {
      throw new Error(`Mlp: expected input of shape (N, ${this.sizes[0]}), got (${x.shape.join(', ')})`);
    }
    const outputs: Tensor[] = [];
    let h = x;
    this.layers.forEach((layer, i) => {
      const last = i === this.layers.length - 1;
      h = activate(layer.forward(h), last ? this.outputActivation : this.activation); // (N, sizes[i+1])
      outputs.push(h);
    });
    return outputs;
  }
}

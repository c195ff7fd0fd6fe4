// The digit network (an Mlp from @tinygpt/mlp), its cost, its output neurons and how it scores a set of images.
import { crossEntropy, noGrad, tensor, tidy } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';
import { Mlp } from '@tinygpt/mlp';
import type { MnistSet } from '@tinygpt/datasets/mnist';
import type { MnistConfig } from './config.js';
import { getRange } from './data.js';

/** Which settings shape the network (the rest only shape its training). */
export type ModelConfig = Pick<MnistConfig, 'activation' | 'loss' | 'init'>;

/**
 * Builds the network for `sizes` (e.g. `[784, 16, 16, 10]`). With the `mse` cost the output
 * neurons are sigmoids, activations in [0, 1] compared with the one-hot label, as in the series;
 * with `cross-entropy` the last layer gives raw logits and the cost applies the softmax.
 */
export function createModel(sizes: readonly number[], config: ModelConfig, rng: Rng): Mlp {
  return new Mlp(sizes, {
    activation: config.activation,
    outputActivation: config.loss === 'mse' ? 'sigmoid' : 'none',
    init: config.init,
    rng,
  });
}

/**
 * The cost of a batch: the mean over its N examples of each example's cost.
 * - `mse`: C = Σᵢ (aᵢ − yᵢ)² over the 10 outputs, y the one-hot label — the series' "sum of the
 *   squares of the differences", without Nielsen's ½ (so η = 0.5 here steps exactly like his η = 1.0).
 * - `cross-entropy`: C = −log softmax(z)_label.
 *
 * @param output `(N, 10)`: sigmoid activations for `mse`, logits for `cross-entropy`
 * @param labels `N` digits
 * @returns a scalar tensor
 */
export function cost(output: Tensor, labels: Int32Array, loss: MnistConfig['loss']): Tensor {
  if (loss === 'cross-entropy') return crossEntropy(output, labels);
  const [N, K] = output.shape as [number, number];
  const oneHot = new Float32Array(N * K);
  for (let n = 0; n < N; n++) oneHot[n * K + labels[n]!] = 1;
  return output
    .sub(tensor(oneHot, [N, K]))
    .pow(2)
    .sum()
    .div(N);
}

/**
 * The ten output neurons as the series draws them, each in [0, 1]: the sigmoid outputs of an
 * `mse` network, or the softmax probabilities of a `cross-entropy` network. `(N, 784)` → `(N, 10)`.
 */
export function outputActivations(model: Mlp, x: Tensor, loss: MnistConfig['loss']): Tensor {
  return noGrad(() => {
    const out = model.forward(x);
    return loss === 'cross-entropy' ? out.softmax(-1) : out;
  });
}

/** Index of the largest of each row of a `(N, K)` array: the predicted digits. */
export function argmaxRows(data: Float32Array, N: number, K: number): Int32Array {
  const out = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (data[n * K + k]! > data[n * K + best]!) best = k;
    out[n] = best;
  }
  return out;
}

/** The network's digit for every image of `set`, computed `chunk` images at a time without a graph. */
export function predictSet(model: Mlp, set: MnistSet, chunk = 1000): Int32Array {
  const predictions = new Int32Array(set.count);
  for (let start = 0; start < set.count; start += chunk) {
    const end = Math.min(set.count, start + chunk);
    tidy(() =>
      noGrad(() => {
        const out = model.forward(getRange(set, start, end));
        const [N, K] = out.shape as [number, number];
        predictions.set(argmaxRows(out.data, N, K), start);
      }),
    );
  }
  return predictions;
}

/** Fraction of `set` classified correctly, in [0, 1]. */
export function accuracy(model: Mlp, set: MnistSet): number {
  const predictions = predictSet(model, set);
  let correct = 0;
  for (let i = 0; i < set.count; i++) if (predictions[i] === set.labels[i]) correct++;
  return set.count === 0 ? 0 : correct / set.count;
}

// The series' digit network in the page: build or load a 784-16-16-10 Mlp, train it with SGD on the shipped digits,
// and read every layer's activations.
import { AdamW, Rng, cosineLr, crossEntropy, noGrad, tensor } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { decodeSafetensors } from '@tinygpt/autograd/safetensors';
import { Mlp } from '@tinygpt/mlp';
import type { Activation } from '@tinygpt/mlp';

/** A network and how its outputs are read (sigmoid outputs for mse, softmax for cross-entropy). */
export interface DigitNet {
  model: Mlp;
  loss: 'mse' | 'cross-entropy';
  source: string;
  /** Its shape, hidden activation and cost, e.g. `784-16-16-10, relu, cross-entropy`. */
  about: string;
}

/** Digits as the page ships them: labels, then 784 bytes per image. */
export interface DigitSet {
  count: number;
  labels: Uint8Array;
  images: Float32Array;
}

/** Decodes public/generated/mnist-*.bin (see tools/assets.ts). */
export function decodeDigits(bytes: Uint8Array): DigitSet {
  const count = bytes.length / 785;
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = bytes[count + i]! / 255;
  return { count, labels: bytes.subarray(0, count), images };
}

/**
 * A fresh 784-16-16-10 network, seeded: the series' shape with ReLU hidden neurons and softmax
 * outputs, which learn from a few thousand digits in seconds (the sigmoid + quadratic-cost recipe
 * needs many epochs over all 60,000; open such a checkpoint from `pnpm mnist train` instead).
 */
export function newDigitNet(seed = 1337): DigitNet {
  const model = new Mlp([784, 16, 16, 10], { activation: 'relu', rng: new Rng(seed) });
  return { model, loss: 'cross-entropy', source: 'trained in the page', about: '784-16-16-10, relu, cross-entropy' };
}

/**
 * Trains `net` as `pnpm mnist train --activation relu --loss cross-entropy --optimizer adam
 * --learning-rate 0.003` does (AdamW, cosine-decayed, batches of 10) for `epochs` passes over
 * `data`; `onEpoch` gets the epoch's mean cost. Yields to the page every 100 batches.
 */
export async function trainDigitNet(
  net: DigitNet,
  data: DigitSet,
  opts: { epochs: number; seed?: number; onEpoch?: (epoch: number, cost: number) => void },
): Promise<void> {
  const rng = new Rng(opts.seed ?? 1337);
  const B = 10;
  const steps = Math.floor(data.count / B) * opts.epochs;
  const lrAt = cosineLr({ learningRate: 3e-3, minLr: 0, warmupIters: 0, lrDecayIters: steps });
  const optimizer = new AdamW(net.model.parameters(), { lr: 3e-3, weightDecay: 0 });
  let step = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const order = Array.from({ length: data.count }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let sum = 0;
    for (let b = 0; b + B <= data.count; b += B) {
      const x = new Float32Array(B * 784);
      const y = new Int32Array(B);
      for (let k = 0; k < B; k++) {
        const idx = order[b + k]!;
        x.set(data.images.subarray(idx * 784, (idx + 1) * 784), k * 784);
        y[k] = data.labels[idx]!;
      }
      optimizer.lr = lrAt(step++);
      const cost = costOf(net, net.model.forward(tensor(x, [B, 784])), y);
      sum += cost.item();
      cost.backward();
      optimizer.step();
      optimizer.zeroGrad();
      if (b % 1000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    opts.onEpoch?.(epoch + 1, sum / Math.floor(data.count / B));
  }
}

function costOf(net: DigitNet, out: Tensor, labels: Int32Array): Tensor {
  if (net.loss === 'cross-entropy') return crossEntropy(out, labels);
  const [N, K] = out.shape as [number, number];
  const oneHot = new Float32Array(N * K);
  for (let n = 0; n < N; n++) oneHot[n * K + labels[n]!] = 1;
  return out
    .sub(tensor(oneHot, [N, K]))
    .pow(2)
    .sum()
    .div(N);
}

/** Every layer's activations for one image: each hidden layer, then the ten outputs in [0, 1]. */
export function activations(net: DigitNet, pixels: Float32Array): Float32Array[] {
  return noGrad(() => {
    const out: Float32Array[] = [];
    let x = tensor(pixels, [1, 784]);
    net.model.layers.forEach((layer, i) => {
      x = layer.forward(x);
      const last = i === net.model.layers.length - 1;
      const act = last ? net.model.outputActivation : net.model.activation;
      if (act === 'sigmoid') x = x.sigmoid();
      else if (act === 'relu') x = x.relu();
      else if (act === 'tanh') x = x.tanh();
      out.push(last && net.loss === 'cross-entropy' ? x.softmax(-1).data.slice() : x.data.slice());
    });
    return out;
  });
}

/** Accuracy of `net` on `data` (fraction of digits whose brightest output is the label). */
export function accuracy(net: DigitNet, data: DigitSet): number {
  const out = noGrad(() => net.model.forward(tensor(data.images, [data.count, 784])).data);
  let right = 0;
  for (let n = 0; n < data.count; n++) {
    const row = out.subarray(n * 10, n * 10 + 10);
    if (row.indexOf(Math.max(...row)) === data.labels[n]) right++;
  }
  return right / data.count;
}

/** A `pnpm mnist train` checkpoint (checkpoint.json + model.safetensors) as a network. */
export function openDigitCheckpoint(files: Record<string, Uint8Array>, name: string): DigitNet {
  const metaBytes = files['checkpoint.json'];
  const weights = files['model.safetensors'];
  if (!metaBytes || !weights)
    throw new Error(`${name}: an MNIST checkpoint needs checkpoint.json and model.safetensors`);
  let meta: { format?: unknown; config?: { arch?: unknown; activation?: unknown; loss?: unknown } };
  try {
    meta = JSON.parse(new TextDecoder().decode(metaBytes)) as typeof meta;
  } catch {
    throw new Error(`${name}/checkpoint.json is not valid JSON`);
  }
  if (meta.format !== 'tinygpt-mnist-mlp/1')
    throw new Error(`${name} is not a tinygpt MNIST checkpoint (format ${JSON.stringify(meta.format)})`);
  const config = meta.config ?? {};
  const sizes = String(config.arch ?? '784-16-16-10')
    .split('-')
    .map(Number);
  const loss = config.loss === 'cross-entropy' ? 'cross-entropy' : 'mse';
  const activation = (config.activation ?? 'sigmoid') as Activation;
  const model = new Mlp(sizes, {
    activation,
    outputActivation: loss === 'mse' ? 'sigmoid' : 'none',
    rng: new Rng(0),
  });
  model.loadStateDict(decodeSafetensors(weights).tensors);
  return { model, loss, source: name, about: `${sizes.join('-')}, ${activation}, ${loss}` };
}

// The three MNIST sets a run uses (train, validation held out from it, test) and the mini-batches cut from them.
import { tensor } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { loadMnist, sliceMnist, splitValidation } from '@tinygpt/datasets/mnist';
import type { MnistSet } from '@tinygpt/datasets/mnist';
import type { MnistConfig } from './config.js';

/** Training images, the validation images held out from the end of the training file, and the test images. */
export interface MnistSplits {
  train: MnistSet;
  val: MnistSet;
  test: MnistSet;
}

/**
 * Loads real MNIST as a run's config asks: the last `valImages` of the 60,000 training images
 * validate, the first `trainImages` (0 = all the rest) train, the first `testImages` (0 = all
 * 10,000) test. Pixels are in [0, 1].
 */
export function loadSplits(config: Pick<MnistConfig, 'valImages' | 'trainImages' | 'testImages'>): MnistSplits {
  const { train: pool, validation: val } = splitValidation(loadMnist({ split: 'train' }), config.valImages);
  const train = config.trainImages > 0 ? sliceMnist(pool, 0, config.trainImages) : pool;
  const test = loadMnist(config.testImages > 0 ? { split: 'test', limit: config.testImages } : { split: 'test' });
  return { train, val, test };
}

/** Where {@link getBatch} gathers a batch's images before they become a tensor: reused while the batch size holds. */
let gathered = new Float32Array(0);

/**
 * The images at `indices` of `set` as one `(B, 784)` tensor, and their labels as class ids. The
 * images are gathered into an ordinary array first and then copied into the tensor in one piece:
 * a backend's memory may be shared between threads, where a copy per image costs more.
 */
export function getBatch(set: MnistSet, indices: ArrayLike<number>): { x: Tensor; labels: Int32Array } {
  const pixels = set.rows * set.cols;
  const B = indices.length;
  if (gathered.length !== B * pixels) gathered = new Float32Array(B * pixels);
  const labels = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const i = indices[b]!;
    gathered.set(set.images.subarray(i * pixels, (i + 1) * pixels), b * pixels);
    labels[b] = set.labels[i]!;
  }
  return { x: tensor(gathered, [B, pixels]), labels }; // (B, 784)
}

/** Images `start … end-1` of `set` as one `(end − start, 784)` tensor. */
export function getRange(set: MnistSet, start: number, end: number): Tensor {
  const pixels = set.rows * set.cols;
  return tensor(set.images.subarray(start * pixels, end * pixels), [end - start, pixels]);
}

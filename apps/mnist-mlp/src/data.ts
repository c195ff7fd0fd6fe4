// The three MNIST sets a run uses (train, validation held out from it, test) and the mini-batches cut from them.
import { tensor, zeros } from '@tinygpt/autograd';
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

/** The images at `indices` of `set` as one `(B, 784)` tensor, and their labels as class ids. */
export function getBatch(set: MnistSet, indices: ArrayLike<number>): { x: Tensor; labels: Int32Array } {
  const pixels = set.rows * set.cols;
  const B = indices.length;
  const x = zeros([B, pixels]); // (B, 784), in the active backend's storage: each image is copied once, straight into it
  const labels = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const i = indices[b]!;
    x.data.set(set.images.subarray(i * pixels, (i + 1) * pixels), b * pixels);
    labels[b] = set.labels[i]!;
  }
  return { x, labels };
}

/** Images `start … end-1` of `set` as one `(end − start, 784)` tensor. */
export function getRange(set: MnistSet, start: number, end: number): Tensor {
  const pixels = set.rows * set.cols;
  return tensor(set.images.subarray(start * pixels, end * pixels), [end - start, pixels]);
}

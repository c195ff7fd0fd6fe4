// Token ids of a corpus split 90/10 into train and val, and random (B, T) windows of them as batches, as nanoGPT's get_batch.
import type { Rng } from '@tinygpt/autograd';

/** The encoded corpus, split as nanoGPT's prepare.py: the first 90 % trains, the rest validates. */
export interface Splits {
  train: Int32Array;
  val: Int32Array;
}

/** Which part of the corpus a batch comes from. */
export type Split = keyof Splits;

/** A batch of B windows of T tokens: `x` the inputs, `y` the same windows shifted one token right. */
export interface Batch {
  /** (B, T) token ids, row-major. */
  x: Int32Array;
  /** (B, T) next-token targets: `y[b, t] = x[b, t + 1]` within the corpus. */
  y: Int32Array;
  /** [B, T] */
  shape: [number, number];
}

/**
 * Splits encoded text at `floor(n * 0.9)` tokens, nanoGPT's `data[:int(n*0.9)]`.
 * @throws Error when either part is too short to hold one window of `blockSize + 1` tokens.
 */
export function splitIds(ids: Int32Array, blockSize: number, trainFraction = 0.9): Splits {
  const cut = Math.floor(ids.length * trainFraction);
  const splits = { train: ids.subarray(0, cut), val: ids.subarray(cut) };
  for (const [name, part] of Object.entries(splits)) {
    if (part.length <= blockSize) {
      throw new Error(
        `the corpus has ${ids.length} characters, so its ${name} split (${part.length}) is too short for --block-size ${blockSize}; ` +
          (Math.min(cut, ids.length - cut) > 1
            ? `use a longer text or --block-size ${Math.min(cut, ids.length - cut) - 1} or less`
            : 'use a longer text'),
      );
    }
  }
  return splits;
}

/**
 * B windows of T + 1 consecutive tokens at uniformly random offsets in [0, n − T), drawn from
 * `rng` in order (nanoGPT's `torch.randint(len(data) - block_size, (batch_size,))`).
 *
 * @example
 * const { x, y } = getBatch(splits.train, 12, 64, rng); // each (12, 64)
 */
export function getBatch(data: Int32Array, batchSize: number, blockSize: number, rng: Rng): Batch {
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  for (let b = 0; b < batchSize; b++) {
    const i = rng.int(data.length - blockSize);
    x.set(data.subarray(i, i + blockSize), b * blockSize);
    y.set(data.subarray(i + 1, i + 1 + blockSize), b * blockSize);
  }
  return { x, y, shape: [batchSize, blockSize] };
}

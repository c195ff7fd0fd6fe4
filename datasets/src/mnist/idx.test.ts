// Tests the IDX parser on small generated files: every element type, and each way a file can be wrong.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, IDX_DTYPES, parseIdx } from './idx.js';
import type { IdxDtype } from './idx.js';
import { datasetErrorMessage } from '../testing.js';

const images = encodeIdx(0x08, [2, 3, 2], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);

const message = datasetErrorMessage;

describe('parseIdx', () => {
  it('reads the header and data of an unsigned-byte file without copying', () => {
    expect(Array.from(images.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2]);
    const idx = parseIdx(images, 'images', { magic: 0x00000803 });
    expect(idx.dtype).toBe(0x08);
    expect(idx.shape).toEqual([2, 3, 2]);
    expect(Array.from(idx.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    expect(idx.data.buffer).toBe(images.buffer);
  });

  it('round-trips every element type through big-endian bytes', () => {
    const values: Record<IdxDtype, number[]> = {
      0x08: [0, 127, 255],
      0x09: [-128, 0, 127],
      0x0b: [-32768, 258, 32767],
      0x0c: [-2147483648, 16909060, 2147483647],
      0x0d: [-1.5, 0.25, 2 ** 100], // exactly representable in float32
      0x0e: [-Math.PI, 1e-300, 1.7976931348623157e308],
    };
    for (const dtype of Object.keys(IDX_DTYPES).map(Number) as IdxDtype[]) {
      const idx = parseIdx(encodeIdx(dtype, [3], values[dtype]));
      expect(idx.dtype).toBe(dtype);
      expect(Array.from(idx.data)).toEqual(values[dtype]);
    }
    // Big-endian on disk: 258 as int16 is the bytes 01 02.
    expect(Array.from(encodeIdx(0x0b, [1], [258]).subarray(8))).toEqual([1, 2]);
  });

  it('rejects a magic number other than the one expected, describing the expected one', () => {
    const labels = encodeIdx(0x08, [3], [1, 2, 3]);
    expect(message(() => parseIdx(labels, 'labels.idx', { magic: 0x00000803 }))).toBe(
      'labels.idx has magic number 0x00000801, expected 0x00000803 (unsigned bytes in 3 dimensions)',
    );
  });

  it('rejects data that is not IDX at all', () => {
    expect(message(() => parseIdx(new TextEncoder().encode('hello world'), 'notes.txt'))).toBe(
      'notes.txt is not an IDX file: magic number 0x68656c6c is not 0x0000TTNN with a known type TT',
    );
    expect(message(() => parseIdx(new Uint8Array([0, 0, 0x07, 1, 0, 0, 0, 0]), 'x'))).toMatch(/not an IDX file/);
    expect(message(() => parseIdx(new Uint8Array([0, 0, 8]), 'x'))).toBe(
      'x is not an IDX file: 3 bytes, shorter than the 4-byte magic number',
    );
    expect(message(() => parseIdx(new Uint8Array([0, 0, 8, 0]), 'x'))).toBe(
      'x is not an IDX file: its header declares 0 dimensions',
    );
  });

  it('says when a file is still gzip-compressed', () => {
    expect(message(() => parseIdx(gzipSync(images), 'train-images-idx3-ubyte.gz'))).toMatch(
      /is gzip-compressed; gunzip it first/,
    );
  });

  it('rejects a truncated file, naming the file and the sizes', () => {
    expect(message(() => parseIdx(images.subarray(0, images.length - 1), 'train-images'))).toBe(
      'train-images is truncated: its header promises 2×3×2 unsigned bytes = 28 bytes, the file has 27',
    );
    expect(message(() => parseIdx(images.subarray(0, 10), 'train-images'))).toBe(
      'train-images is truncated: its header needs 16 bytes for 3 dimensions, the file has 10',
    );
  });

  it('rejects extra bytes after the data', () => {
    const longer = new Uint8Array(images.length + 5);
    longer.set(images);
    expect(message(() => parseIdx(longer, 'train-images'))).toBe(
      'train-images has 5 extra bytes: its header promises 2×3×2 unsigned bytes = 28 bytes, the file has 33',
    );
  });

  it('checks sizes by element width, not element count', () => {
    const floats = encodeIdx(0x0d, [2], [1, 2]);
    expect(floats.length).toBe(4 + 4 + 8);
    expect(message(() => parseIdx(floats.subarray(0, 15), 'f'))).toMatch(
      /promises 2 float32s = 16 bytes, the file has 15/,
    );
  });

  it('encodeIdx refuses data that does not fill the shape', () => {
    expect(() => encodeIdx(0x08, [2, 2], [1, 2, 3])).toThrow('shape 2×2 needs 4 elements, got 3');
  });
});

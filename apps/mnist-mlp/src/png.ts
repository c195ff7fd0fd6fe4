// Reads and writes PNG files (through pngjs, pure JavaScript) as 8-bit RGBA pixels.
import { PNG } from 'pngjs';
import { CliError, readUserFile, writeFileAtomic } from '@tinygpt/cli-kit';

/** An image as 8-bit RGBA, row-major: pixel (x, y) at `data[4 * (y * width + x)]`. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A file that is missing or not a readable PNG; the message is one line naming it. */
export class ImageError extends Error {
  override name = 'ImageError';
}

/** The largest image decoded: 4096 × 4096 pixels (64 MB as RGBA); a digit needs far less. */
export const MAX_PNG_PIXELS = 4096 * 4096;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Width and height from a PNG's IHDR chunk (the first one, at byte 8), read before anything is
 * decoded, so a small file that claims a huge image is refused before it takes memory.
 * @throws ImageError when the bytes are not a PNG or its header is damaged.
 */
export function pngSize(bytes: Uint8Array, file = 'image'): { width: number; height: number } {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new ImageError(`${file} is not a readable PNG image (it does not start with the PNG signature)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new ImageError(`${file} is not a readable PNG image (its IHDR header is missing or truncated)`);
  }
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Decodes a PNG of any colour type and bit depth into 8-bit RGBA, refusing images above {@link MAX_PNG_PIXELS}. */
export function decodePng(bytes: Uint8Array, file = 'image'): RgbaImage {
  const { width, height } = pngSize(bytes, file);
  if (width === 0 || height === 0) throw new ImageError(`${file} is an empty PNG image (${width}×${height})`);
  if (width * height > MAX_PNG_PIXELS) {
    throw new ImageError(
      `${file} is ${width}×${height} pixels, more than the ${MAX_PNG_PIXELS.toLocaleString('en-US')} read here; ` +
        `scale it down first (a digit needs about 28×28)`,
    );
  }
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return {
      width: png.width,
      height: png.height,
      data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    };
  } catch (err) {
    throw new ImageError(`${file} is not a readable PNG image (damaged or truncated data)`, { cause: err });
  }
}

/** The largest PNG file read: 256 MB (an image at {@link MAX_PNG_PIXELS}, 16-bit RGBA, stored uncompressed). */
export const MAX_PNG_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Reads a PNG file into 8-bit RGBA: a regular file only (a device such as /dev/zero or a FIFO is
 * refused before reading), at most {@link MAX_PNG_FILE_BYTES}.
 */
export function readPng(path: string): RgbaImage {
  let bytes: Uint8Array;
  try {
    bytes = readUserFile(path, { what: 'image', maxBytes: MAX_PNG_FILE_BYTES });
  } catch (err) {
    throw err instanceof CliError ? new ImageError(err.message, { cause: err }) : err;
  }
  return decodePng(bytes, path);
}

/** Encodes 8-bit RGBA pixels as PNG bytes. */
export function encodePng(image: RgbaImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}

/** Writes 8-bit RGBA pixels to a PNG file, atomically. */
export async function writePng(path: string, image: RgbaImage): Promise<void> {
  await writeFileAtomic(path, encodePng(image));
}

/** A grayscale image in [0, 1] (1 = white) as opaque RGBA. */
export function grayToRgba(pixels: Float32Array, width: number, height: number): RgbaImage {
  const data = new Uint8Array(4 * width * height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[i]!)));
    data.set([v, v, v, 255], 4 * i);
  }
  return { width, height, data };
}

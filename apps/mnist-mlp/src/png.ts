// Reads and writes PNG files (through pngjs, pure JavaScript) as 8-bit RGBA pixels.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { writeFileAtomic } from '@tinygpt/cli-kit';

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

/** Decodes a PNG of any colour type and bit depth into 8-bit RGBA. */
export function decodePng(bytes: Uint8Array, file = 'image'): RgbaImage {
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return {
      width: png.width,
      height: png.height,
      data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    };
  } catch (err) {
    throw new ImageError(`${file} is not a readable PNG image (${(err as Error).message})`);
  }
}

/** Reads a PNG file into 8-bit RGBA. */
export function readPng(path: string): RgbaImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImageError(
      code === 'ENOENT' ? `image not found: ${path}` : `cannot read ${path} (${code ?? (err as Error).message})`,
    );
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

// Turns any grayscale or colour PNG of a digit into MNIST's 28×28 format and shows which output neuron lights up.
import { tensor } from '@tinygpt/autograd';
import type { Mlp } from '@tinygpt/mlp';
import type { MnistConfig } from './config.js';
import { outputActivations } from './model.js';
import { ImageError } from './png.js';
import { SIDE, centerDigit, resizeArea } from './preprocess.js';
import type { RgbaImage } from './png.js';

/** Options of {@link toMnistPixels}. */
export interface PreprocessOptions {
  /**
   * Do what MNIST's makers did (default true): crop to the ink, scale its longer side to 20 pixels
   * (keeping the aspect ratio) and place it so its centre of mass sits at the centre of the
   * 28×28 field. Off: the whole image is padded to a square and scaled to 28×28.
   */
  center?: boolean;
}

/**
 * Grayscale in [0, 1] (1 = white) from RGBA by Rec. 601 luma, 0.299 R + 0.587 G + 0.114 B.
 * Transparent pixels are composited onto the background that contrasts with the ink: onto white
 * when the opaque strokes are dark (a pen drawing on a transparent canvas), onto black when they
 * are light.
 */
export function toGrayscale(image: RgbaImage): Float32Array {
  const { width, height, data } = image;
  const n = width * height;
  const luma = new Float32Array(n);
  const alpha = new Float32Array(n);
  let inkWeight = 0;
  let inkLuma = 0;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [data[4 * i]!, data[4 * i + 1]!, data[4 * i + 2]!];
    luma[i] = (r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b) / 255; // gray stays exactly gray
    alpha[i] = data[4 * i + 3]! / 255;
    inkWeight += alpha[i]!;
    inkLuma += alpha[i]! * luma[i]!;
  }
  const background = inkWeight > 0 && inkLuma / inkWeight < 0.5 ? 1 : 0;
  const gray = new Float32Array(n);
  for (let i = 0; i < n; i++) gray[i] = alpha[i]! * luma[i]! + (1 - alpha[i]!) * background;
  return gray;
}

/**
 * The 784 pixels the network reads (white digit on black, in [0, 1]) from any PNG: grayscale,
 * inverted when the background is light (mean above 0.5, e.g. black ink on white paper), then
 * scaled by area averaging (each output pixel is the mean of the input area it covers) and,
 * by default, centred as MNIST's digits are. Throws {@link ImageError} for an image with no ink.
 */
export function toMnistPixels(image: RgbaImage, opts: PreprocessOptions = {}): Float32Array {
  const { width, height } = image;
  const gray = toGrayscale(image);
  const mean = gray.reduce((a, b) => a + b, 0) / gray.length;
  if (mean > 0.5) for (let i = 0; i < gray.length; i++) gray[i] = 1 - gray[i]!;
  if (opts.center ?? true) {
    const digit = centerDigit(gray, width, height);
    if (!digit) throw new ImageError('the image is blank: no ink stands out from the background');
    return digit;
  }
  if (width === SIDE && height === SIDE) return gray;
  const side = Math.max(width, height); // pad to a square with background, then scale
  const square = new Float32Array(side * side);
  const [ox, oy] = [Math.floor((side - width) / 2), Math.floor((side - height) / 2)];
  for (let y = 0; y < height; y++) square.set(gray.subarray(y * width, (y + 1) * width), (y + oy) * side + ox);
  return resizeArea(square, side, side, SIDE, SIDE);
}

/** The network's answer for one image: the brightest output neuron and all ten activations in [0, 1]. */
export interface Prediction {
  prediction: number;
  activations: number[];
}

/** Runs one 784-pixel image through `model`; activations are sigmoid outputs (mse) or softmax probabilities (cross-entropy). */
export function predictDigit(model: Mlp, loss: MnistConfig['loss'], pixels: Float32Array): Prediction {
  const activations = Array.from(outputActivations(model, tensor(pixels, [1, SIDE * SIDE]), loss).data);
  const prediction = activations.indexOf(Math.max(...activations));
  return { prediction, activations };
}

/** The 28×28 input as text, two characters per pixel, darker to brighter: `  .:-=+*#%@`. */
export function formatDigit(pixels: Float32Array): string {
  const ramp = ' .:-=+*#%@';
  const rows: string[] = [];
  for (let y = 0; y < SIDE; y++) {
    let row = '';
    for (let x = 0; x < SIDE; x++) {
      const ch = ramp[Math.min(ramp.length - 1, Math.floor(pixels[y * SIDE + x]! * ramp.length))]!;
      row += ch + ch;
    }
    rows.push(row.trimEnd());
  }
  return rows.join('\n');
}

/**
 * The ten output neurons as bars, the brightest marked:
 * ```
 * 7  ████████████████████████████████████████ 0.982  ← 7
 * ```
 */
export function formatPrediction({ prediction, activations }: Prediction, width = 40): string {
  return activations
    .map((a, d) => {
      const bar = '█'.repeat(Math.round(a * width)).padEnd(width, '·');
      return `${d}  ${bar} ${a.toFixed(3)}${d === prediction ? `  ← ${d}` : ''}`;
    })
    .join('\n');
}

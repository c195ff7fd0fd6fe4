// PNG input: grayscale conversion, inversion, area rescaling and centring, and predictions on real test digits written as PNG.
import { describe, expect, it } from 'vitest';
import { loadMnist } from '@tinygpt/datasets/mnist';
import { defaults } from '../src/config.js';
import { loadSplits } from '../src/data.js';
import { ImageError, decodePng, encodePng } from '../src/png.js';
import type { RgbaImage } from '../src/png.js';
import { formatPrediction, predictDigit, toGrayscale, toMnistPixels } from '../src/predict.js';
import { resizeArea } from '../src/preprocess.js';
import { predictSet } from '../src/model.js';
import { train } from '../src/train.js';

const test = loadMnist({ split: 'test', limit: 40 });
const digit = (i: number): Float32Array => test.images.slice(i * 784, (i + 1) * 784);

/** A grayscale image in [0, 1] drawn as RGBA: `ink` and `paper` colours, each pixel `scale`× `scale`, alpha from `alpha`. */
function draw(
  pixels: Float32Array,
  side: number,
  opts: { scale?: number; darkInk?: boolean; transparent?: boolean } = {},
): RgbaImage {
  const scale = opts.scale ?? 1;
  const width = side * scale;
  const data = new Uint8Array(4 * width * width);
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round(255 * pixels[Math.floor(y / scale) * side + Math.floor(x / scale)]!);
      const i = 4 * (y * width + x);
      if (opts.transparent)
        data.set([30, 30, 30, v], i); // dark ink whose coverage is the alpha
      else if (opts.darkInk) data.set([255 - v, 255 - v, 255 - v, 255], i);
      else data.set([v, v, v, 255], i);
    }
  }
  return { width, height: width, data };
}

describe('reading a digit from a PNG', () => {
  it('a 28×28 white-on-black PNG gives back its pixels exactly (no centring)', () => {
    const png = decodePng(encodePng(draw(digit(0), 28)));
    expect(toMnistPixels(png, { center: false })).toEqual(digit(0));
  });

  it('black ink on white paper is inverted, and a 3× larger image is scaled back by area averaging', () => {
    const pixels = toMnistPixels(decodePng(encodePng(draw(digit(1), 28, { scale: 3, darkInk: true }))), {
      center: false,
    });
    Array.from(pixels).forEach((v, i) => expect(v).toBeCloseTo(digit(1)[i]!, 5));
  });

  it('dark strokes on a transparent canvas are composited onto white, then inverted', () => {
    const gray = toGrayscale(draw(digit(2), 28, { transparent: true }));
    expect(gray[0]).toBe(1); // fully transparent corner → white paper
    const pixels = toMnistPixels(draw(digit(2), 28, { transparent: true }), { center: false });
    const ink = digit(2).reduce((best, v, i, all) => (v > all[best]! ? i : best), 0);
    expect(pixels[ink]).toBeGreaterThan(0.8);
    expect(pixels[0]).toBe(0);
  });

  it('area averaging keeps the mean brightness when shrinking by a non-integer factor', () => {
    const src = Float32Array.from({ length: 50 * 50 }, (_, i) => ((i * 37) % 101) / 100);
    const out = resizeArea(src, 50, 50, 28, 28);
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(src), 4);
  });

  it('centring: a small digit drawn in a corner is scaled into 20 pixels and moved to the centre by mass', () => {
    const side = 100;
    const canvas = new Float32Array(side * side);
    for (let y = 5; y < 35; y++) for (let x = 8; x < 20; x++) canvas[y * side + x] = 1; // a 12×30 bar, top left
    const image = draw(canvas, side);
    const pixels = toMnistPixels(image);
    let [mass, mx, my, top, bottom] = [0, 0, 0, 28, -1];
    pixels.forEach((v, i) => {
      const [x, y] = [i % 28, Math.floor(i / 28)];
      [mass, mx, my] = [mass + v, mx + v * (x + 0.5), my + v * (y + 0.5)];
      if (v > 0.1) [top, bottom] = [Math.min(top, y), Math.max(bottom, y)];
    });
    expect(bottom - top + 1).toBe(20);
    expect(Math.abs(mx / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(my / mass - 14)).toBeLessThanOrEqual(0.5);
  });

  it('a blank image and bytes that are not a PNG are clear errors', () => {
    expect(() => toMnistPixels(draw(new Float32Array(784), 28))).toThrow(/blank/);
    expect(() => decodePng(new Uint8Array([137, 80, 78, 71, 1, 2, 3]), 'x.png')).toThrow(ImageError);
    expect(() => decodePng(new TextEncoder().encode('not a png'), 'x.png')).toThrow(
      /x\.png is not a readable PNG image/,
    );
  });
});

describe('predicting real test digits from PNG files', () => {
  it('a network trained on 2,000 images reads digits from PNGs as it reads them from MNIST', async () => {
    const config = {
      ...defaults,
      arch: '784-32-10',
      activation: 'relu' as const,
      loss: 'cross-entropy' as const,
      optimizer: 'adam' as const,
      learningRate: 3e-3,
      batchSize: 32,
      epochs: 3,
      trainImages: 2000,
      valImages: 500,
      testImages: 500,
      seed: 9,
    };
    const { model } = await train(config, { data: loadSplits(config), save: false });
    const direct = predictSet(model, test);
    const right = Array.from({ length: test.count }, (_, i) => i).filter((i) => direct[i] === test.labels[i]);
    expect(right.length).toBeGreaterThanOrEqual(30); // of 40
    for (const i of right) {
      const png = decodePng(encodePng(draw(digit(i), 28, { scale: 2, darkInk: true })));
      const { prediction, activations } = predictDigit(model, config.loss, toMnistPixels(png, { center: false }));
      expect(prediction).toBe(test.labels[i]);
      expect(activations.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5); // softmax probabilities
    }
    // With MNIST-style centring the image is resampled, yet nearly every digit keeps its label.
    const centred = right.filter(
      (i) => predictDigit(model, config.loss, toMnistPixels(draw(digit(i), 28))).prediction === test.labels[i],
    );
    expect(centred.length).toBeGreaterThanOrEqual(Math.floor(0.8 * right.length));
  }, 30_000);

  it('shows the ten output neurons as bars with the brightest marked', () => {
    const text = formatPrediction({ prediction: 7, activations: [0, 0, 0, 0, 0, 0, 0, 1, 0.5, 0] }, 10);
    expect(text.split('\n')[7]).toBe('7  ██████████ 1.000  ← 7');
    expect(text.split('\n')[8]).toBe('8  █████····· 0.500');
  });
});

// MNIST's preprocessing of a digit image, browser-safe: the ink's bounding box scaled into 20 × 20 by area averaging,
// then centred by mass in 28 × 28.

/** MNIST's image side, and the side of the box its digits were scaled into before centring. */
export const SIDE = 28;
const BOX = 20;

/**
 * MNIST's own preprocessing of `gray` (width × height, ink in [0, 1]): the ink's bounding box scaled
 * into 20×20, then centred by mass in 28×28. Null for a blank image (no ink stands out).
 */
export function centerDigit(gray: Float32Array, width: number, height: number): Float32Array | null {
  const max = gray.reduce((a, b) => Math.max(a, b), 0);
  const threshold = 0.1 * max;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x]! > threshold)
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  if (max < 0.05 || x1 < 0) return null; // blank: no ink stands out from the background
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
  const crop = new Float32Array(w * h);
  for (let y = 0; y < h; y++) crop.set(gray.subarray((y + y0) * width + x0, (y + y0) * width + x0 + w), y * w);
  const scale = BOX / Math.max(w, h);
  const [dw, dh] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
  const digit = resizeArea(crop, w, h, dw, dh);
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      const v = digit[y * dw + x]!;
      [mass, mx, my] = [mass + v, mx + v * x, my + v * y];
    }
  }
  // Put the centre of mass (pixel centres at i + 0.5) on the field's centre, 14.0, by whole pixels.
  const left = Math.round(SIDE / 2 - (mx / mass + 0.5));
  const top = Math.round(SIDE / 2 - (my / mass + 0.5));
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      const [tx, ty] = [x + left, y + top];
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) out[ty * SIDE + tx] = digit[y * dw + x]!;
    }
  }
  return out;
}

/**
 * Rescales a `(sh, sw)` image to `(dh, dw)` by area averaging: output pixel (x, y) covers the
 * input rectangle [x·sw/dw, (x+1)·sw/dw) × [y·sh/dh, (y+1)·sh/dh) and takes the mean over it,
 * each input pixel weighted by the area it shares. Works for shrinking and enlarging.
 */
export function resizeArea(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  const [fx, fy] = [sw / dw, sh / dh];
  for (let oy = 0; oy < dh; oy++) {
    const [y0, y1] = [oy * fy, Math.min(sh, (oy + 1) * fy)];
    for (let ox = 0; ox < dw; ox++) {
      const [x0, x1] = [ox * fx, Math.min(sw, (ox + 1) * fx)];
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.min(sh, Math.ceil(y1)); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(sw, Math.ceil(x1)); x++) {
          sum += wy * (Math.min(x + 1, x1) - Math.max(x, x0)) * src[y * sw + x]!;
        }
      }
      out[oy * dw + ox] = sum / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

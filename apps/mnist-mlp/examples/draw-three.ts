// Draws examples/three.png: a "3" made of two arcs with a round pen, dark ink on off-white paper, 240×240 — a digit that is not from MNIST.
import { writeFileSync } from 'node:fs';
import { encodePng } from '../src/png.js';

const [W, H] = [240, 240];
const PEN = 12; // pen radius in pixels
const arc = (cx: number, cy: number, r: number, a0: number, a1: number, n = 40): [number, number][] =>
  Array.from({ length: n + 1 }, (_, i) => {
    const a = a0 + ((a1 - a0) * i) / n;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });
const strokes = [arc(118, 78, 42, -Math.PI * 0.95, Math.PI * 0.5), arc(122, 162, 48, -Math.PI * 0.5, Math.PI * 0.9)];

/** Distance from (x, y) to the nearest point of any stroke. */
function distance(x: number, y: number): number {
  let d = Infinity;
  for (const s of strokes) {
    for (let i = 0; i + 1 < s.length; i++) {
      const [[ax, ay], [bx, by]] = [s[i]!, s[i + 1]!];
      const t = Math.max(
        0,
        Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
      );
      d = Math.min(d, Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)));
    }
  }
  return d;
}

const data = new Uint8Array(4 * W * H);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const ink = Math.max(0, Math.min(1, PEN - distance(x, y) + 0.5)); // one pixel of antialiasing
    const v = Math.round(245 - ink * (245 - 25));
    data.set([v, v, Math.min(255, v + 6), 255], 4 * (y * W + x));
  }
}
writeFileSync(new URL('three.png', import.meta.url), encodePng({ width: W, height: H, data }));

// Draws what a trained network learned: its first layer's weights as 28×28 images, and its training curves as SVG.
import type { EpochMetrics } from './train.js';
import type { RgbaImage } from './png.js';

/** Options of {@link weightGrid}. */
export interface WeightGridOptions {
  /** Screen pixels per weight (default: 4 for up to 36 neurons, 3 up to 100, else 2). */
  scale?: number;
  /** Screen pixels between tiles and around the grid (default 2 × scale). */
  gap?: number;
  /** Tiles per row (default: about the square root of the neuron count). */
  columns?: number;
}

/**
 * The first layer's weights as a grid of images, one 28×28 tile per hidden neuron — the picture
 * 3Blue1Brown draws to ask what a neuron of the first hidden layer looks for. Colours as in the
 * series: green for positive weights, red for negative, black for zero; each tile is normalised
 * by its own largest |w|, so every neuron's pattern is visible whatever its scale.
 *
 * @param weight `(H, 784)` row-major: row h holds the weights into hidden neuron h
 */
export function weightGrid(weight: Float32Array, shape: readonly number[], opts: WeightGridOptions = {}): RgbaImage {
  const [H, P] = shape as [number, number];
  const side = Math.round(Math.sqrt(P));
  if (shape.length !== 2 || side * side !== P)
    throw new Error(`weightGrid: expected weights (H, 784), got (${shape.join(', ')})`);
  const scale = opts.scale ?? (H <= 36 ? 4 : H <= 100 ? 3 : 2);
  const gap = opts.gap ?? 2 * scale;
  const columns = opts.columns ?? Math.ceil(Math.sqrt(H));
  const rows = Math.ceil(H / columns);
  const tile = side * scale;
  const width = columns * tile + (columns + 1) * gap;
  const height = rows * tile + (rows + 1) * gap;
  const data = new Uint8Array(4 * width * height).fill(255); // white background between tiles
  for (let h = 0; h < H; h++) {
    const row = weight.subarray(h * P, (h + 1) * P);
    const maxAbs = row.reduce((m, w) => Math.max(m, Math.abs(w)), 0) || 1;
    const left = gap + (h % columns) * (tile + gap);
    const top = gap + Math.floor(h / columns) * (tile + gap);
    for (let p = 0; p < P; p++) {
      const v = row[p]! / maxAbs; // in [−1, 1]
      const rgb = v >= 0 ? [0, Math.round(255 * v), 0] : [Math.round(-255 * v), 0, 0];
      const [px, py] = [left + (p % side) * scale, top + Math.floor(p / side) * scale];
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++)
          data.set([rgb[0]!, rgb[1]!, rgb[2]!, 255], 4 * ((py + dy) * width + px + dx));
      }
    }
  }
  return { width, height, data };
}

/**
 * The training curves as a standalone SVG: train loss per epoch on the left, validation and
 * test accuracy (%) on the right.
 */
export function curvesSvg(history: readonly EpochMetrics[], title = 'training curves'): string {
  const [W, H] = [880, 340];
  const panels = [
    {
      x: 60,
      label: 'train loss',
      legendTop: true,
      series: [{ name: 'train loss', color: '#1f77b4', values: history.map((m) => m.trainLoss) }],
    },
    {
      x: 500,
      label: 'accuracy (%)',
      legendTop: false, // accuracy climbs to the top right, so its legend sits at the bottom
      series: [
        { name: 'validation', color: '#2ca02c', values: history.map((m) => 100 * m.valAccuracy) },
        { name: 'test', color: '#d62728', values: history.map((m) => 100 * m.testAccuracy) },
      ],
    },
  ];
  const [pw, ph, top] = [340, 230, 50];
  const epochs = history.map((m) => m.epoch);
  const [e0, e1] = [Math.min(...epochs, 1), Math.max(...epochs, 1)];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ];
  for (const panel of panels) {
    const all = panel.series.flatMap((s) => s.values);
    const [lo, hi] = niceRange(Math.min(...all), Math.max(...all));
    const sx = (e: number): number => panel.x + (e1 === e0 ? pw / 2 : ((e - e0) / (e1 - e0)) * pw);
    const sy = (v: number): number => top + ph - ((v - lo) / (hi - lo)) * ph;
    parts.push(`<rect x="${panel.x}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
    for (let i = 0; i <= 4; i++) {
      const v = lo + ((hi - lo) * i) / 4;
      const y = sy(v).toFixed(1);
      parts.push(`<line x1="${panel.x}" x2="${panel.x + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
      parts.push(
        `<text x="${panel.x - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(v, hi - lo)}</text>`,
      );
    }
    for (const e of epochTicks(e0, e1)) {
      parts.push(`<text x="${sx(e).toFixed(1)}" y="${top + ph + 16}" text-anchor="middle">${e}</text>`);
    }
    parts.push(`<text x="${panel.x + pw / 2}" y="${top + ph + 34}" text-anchor="middle">epoch</text>`);
    parts.push(`<text x="${panel.x + pw / 2}" y="${top - 8}" text-anchor="middle">${panel.label}</text>`);
    panel.series.forEach((s, k) => {
      const points = s.values.map((v, i) => `${sx(epochs[i]!).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
      for (const p of points.split(' ')) {
        const [x, y] = p.split(',');
        parts.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="${s.color}"/>`);
      }
      const ly = panel.legendTop ? top + 16 + 16 * k : top + ph - 16 * (panel.series.length - k);
      parts.push(
        `<line x1="${panel.x + pw - 110}" x2="${panel.x + pw - 90}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
      );
      parts.push(`<text x="${panel.x + pw - 84}" y="${ly}" dominant-baseline="middle">${s.name}</text>`);
    });
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** An axis range around [min, max] with a little room, never empty. */
function niceRange(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const span = max - min || Math.abs(max) || 1;
  return [min - 0.05 * span, max + 0.05 * span];
}

function formatTick(v: number, span: number): string {
  return v.toFixed(span >= 10 ? 0 : span >= 1 ? 1 : span >= 0.1 ? 2 : 3);
}

/** At most about 10 whole-number epoch labels. */
function epochTicks(e0: number, e1: number): number[] {
  const step = Math.max(1, Math.ceil((e1 - e0 + 1) / 10));
  const ticks: number[] = [];
  for (let e = e0; e <= e1; e += step) ticks.push(e);
  return ticks;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[ch]!);
}

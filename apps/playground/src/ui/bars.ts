// A bar chart of a next-token distribution: the 20 most probable tokens and the rest, drawn on a canvas.
import type { Distribution } from '../gpt/protocol.js';

/** Shown text of a token (whitespace made visible). */
export function showChar(text: string): string {
  return text.replace(/\n/g, '⏎').replace(/ /g, '␣').replace(/\t/g, '⇥');
}

/** Draws `dist` into `canvas`; returns the distribution's entropy in nats. */
export function drawBars(canvas: HTMLCanvasElement, dist: Distribution): number {
  const ctx = canvas.getContext('2d')!;
  const bars: [string, number][] = [
    ...dist.bars.map(({ label, p }): [string, number] => [showChar(label), p]),
    ['rest', dist.rest],
  ];
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const w = width / bars.length;
  ctx.font = '12px monospace';
  ctx.textAlign = 'center';
  bars.forEach(([label, p], i) => {
    const h = p * (height - 40);
    ctx.fillStyle = label === 'rest' ? '#999' : '#1f6feb';
    ctx.fillRect(i * w + 2, height - 20 - h, w - 4, h);
    ctx.fillStyle = '#222';
    // A GPT-2 token can be long: the label is cut to the bar's width.
    const fits = Math.max(4, Math.floor(w / 7));
    ctx.fillText(label.length > fits ? `${label.slice(0, fits - 1)}…` : label, i * w + w / 2, height - 5);
    if (p >= 0.005) ctx.fillText(p.toFixed(2), i * w + w / 2, height - 24 - h);
  });
  return dist.entropy;
}

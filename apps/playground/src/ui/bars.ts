// A bar chart of a next-token distribution: the 20 most probable tokens and the rest, drawn on a canvas.
import { entropy } from '@tinygpt/sampler';

/** Shown character for a token (whitespace made visible). */
export function showChar(ch: string): string {
  return ch === '\n' ? '⏎' : ch === ' ' ? '␣' : ch === '\t' ? '⇥' : ch;
}

/** Draws `probs` (by id, over `chars`) into `canvas`; returns the distribution's entropy in nats. */
export function drawBars(canvas: HTMLCanvasElement, probs: Float32Array, chars: readonly string[]): number {
  const ctx = canvas.getContext('2d')!;
  const order = Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]! || a - b);
  const top = order.slice(0, 20);
  const rest = order.slice(20).reduce((s, i) => s + probs[i]!, 0);
  const bars: [string, number][] = [
    ...top.map((i): [string, number] => [showChar(chars[i] ?? '?'), probs[i]!]),
    ['rest', rest],
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
    ctx.fillText(label, i * w + w / 2, height - 5);
    if (p >= 0.005) ctx.fillText(p.toFixed(2), i * w + w / 2, height - 24 - h);
  });
  return entropy(probs);
}

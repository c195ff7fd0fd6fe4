// The exact mean next-character loss of a model over a whole text: every character after the first predicted once, in blockSize windows.
import { noGrad, tidy } from '@tinygpt/autograd';
import type { Gpt } from './model/gpt.js';
import { SignalWindow } from './signals.js';

/** What {@link evaluateIds} measures. */
export interface EvalResult {
  /** Mean cross-entropy in nats per predicted character. */
  loss: number;
  /** The same in bits per character: loss / ln 2. */
  bpc: number;
  /** Characters predicted: the text's length minus one. */
  tokens: number;
}

/**
 * The windows of {@link evaluateIds}: window k covers ids k·T … k·T + T (T + 1 ids, fewer for the
 * last); its first ids are the inputs and its last ones the targets, so every id after the first
 * is a target exactly once.
 *
 * @example
 * evalWindows(10, 4); // [[0, 5], [4, 9], [8, 10]]: targets 1–4, 5–8, 9
 */
export function evalWindows(n: number, blockSize: number): [start: number, end: number][] {
  const windows: [number, number][] = [];
  for (let start = 0; start + 1 < n; start += blockSize) windows.push([start, Math.min(start + blockSize + 1, n)]);
  return windows;
}

/**
 * Mean next-token cross-entropy of `model` over `ids`, read in the non-overlapping windows of
 * {@link evalWindows} (so the figure is exact and any framework reproduces it), batched
 * `batchSize` windows at a time. No graph is recorded and each batch frees what it made (`tidy`);
 * the model's mode is restored. The event loop turns only now and then, for Ctrl-C (see
 * {@link SignalWindow}).
 * @throws Error when there are fewer than two ids.
 */
export async function evaluateIds(
  model: Gpt,
  ids: Int32Array,
  opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<EvalResult> {
  if (ids.length < 2) throw new Error(`evaluation needs at least 2 characters, got ${ids.length}`);
  const T = model.config.blockSize;
  const windows = evalWindows(ids.length, T);
  const batchSize = opts.batchSize ?? 16;
  const wasTraining = model.training;
  model.eval();
  let sum = 0; // in float64: the per-batch means are float32
  const signals = new SignalWindow();
  opts.onProgress?.(0, windows.length); // the clock of a progress display starts with the work
  try {
    for (let w = 0; w < windows.length;) {
      // Full windows go in batches; the shorter last one goes alone.
      const len = windows[w]![1] - windows[w]![0] - 1;
      let B = 0;
      while (B < batchSize && w + B < windows.length && windows[w + B]![1] - windows[w + B]![0] - 1 === len) B++;
      const x = new Int32Array(B * len);
      const y = new Int32Array(B * len);
      for (let b = 0; b < B; b++) {
        const [start] = windows[w + b]!;
        x.set(ids.subarray(start, start + len), b * len);
        y.set(ids.subarray(start + 1, start + 1 + len), b * len);
      }
      sum += tidy(() => noGrad(() => model.forward(x, [B, len], { targets: y }).loss!.item())) * B * len;
      w += B;
      opts.onProgress?.(w, windows.length);
      if (signals.due()) await signals.letIn();
    }
  } finally {
    model.train(wasTraining);
  }
  const tokens = ids.length - 1;
  const loss = sum / tokens;
  return { loss, bpc: loss / Math.LN2, tokens };
}

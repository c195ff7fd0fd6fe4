// Autoregressive sampling from a Gpt with a KV cache, token for token what nanoGPT's generate() produces with its context crop.
import type { Rng } from '@tinygpt/autograd';
import { sampleNext } from '@tinygpt/sampler';
import { GptDecoder } from './decoder.js';
import type { Gpt } from './model/gpt.js';
import { SignalWindow } from './signals.js';

/** How to pick each next token. */
export interface SamplingOptions {
  /** Tokens to produce after the prompt. */
  maxNewTokens: number;
  /** Divides the logits: < 1 sharper, > 1 flatter; 0 always takes the most likely token (greedy). */
  temperature: number;
  /** Keep only the k most likely tokens (k ≥ vocabSize keeps all, as nanoGPT's min(top_k, V)). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (nucleus sampling). */
  topP?: number;
  /** The run's random generator; each sampled token draws from it. */
  rng: Rng;
  /**
   * Ids at or above this are never sampled: the pad rows of a padded vocabulary (GPT-2's 50,257
   * tokens in a 50,304-row model). Default: every id of the model.
   */
  sampleableIds?: number;
  /** Called with each token as soon as it is chosen (for streaming). */
  onToken?: (id: number) => void;
}

/** Options of {@link generateSamples}: those of {@link generate}, with `onToken` told which sample. */
export interface BatchSamplingOptions extends Omit<SamplingOptions, 'onToken'> {
  /** Called with each token of sample `sample` as soon as it is chosen. */
  onToken?: (sample: number, id: number) => void;
}

/**
 * How many samples {@link generateSamples} should run side by side for a model of this shape: up
 * to 16, fewer where one batch's attention scores (B·nHead·blockSize² floats when a full window
 * is recomputed) would pass 16 Mi floats (64 MiB).
 */
export function samplesPerBatch(config: { nHead: number; blockSize: number }): number {
  const perSample = config.nHead * config.blockSize * config.blockSize;
  return Math.max(1, Math.min(16, Math.floor((16 << 20) / perSample)));
}

/**
 * Continues `prompt` (token ids, at least one) by `maxNewTokens` sampled tokens and returns the
 * new ones, calling `onToken` with each as soon as it is chosen. It drives {@link sampleBatch}
 * (a {@link GptDecoder}: no graph, buffers reused from step to step), letting the event loop turn
 * only now and then, for Ctrl-C and streaming (see {@link SignalWindow}); memory does not depend
 * on those turns.
 *
 * Each step feeds only the newest token and reuses every earlier key and value from the KV
 * cache. nanoGPT instead re-runs the last blockSize tokens at positions 0..blockSize-1 each
 * step; once the context is longer than blockSize every position shifts, so the cache is then
 * rebuilt from the last blockSize tokens — the logits are exactly nanoGPT's at every step.
 *
 * @example
 * const ids = await generate(model, tokenizer.encode('\n'), { maxNewTokens: 100, temperature: 0.8, topK: 200, rng });
 */
export async function generate(model: Gpt, prompt: Int32Array, opts: SamplingOptions): Promise<Int32Array> {
  const { onToken, ...rest } = opts;
  const [out] = await generateSamples(model, prompt, 1, { ...rest, onToken: onToken && ((_, id) => onToken(id)) });
  return out!;
}

/**
 * `n` continuations of the same prompt, generated side by side as one batch (B = n): each step
 * runs the model once for all of them. Sample s draws the same random numbers it would draw if
 * the samples were generated one after another from `opts.rng` (s·maxNewTokens draws in), so the
 * text equals `n` calls of {@link generate} in a row, and `opts.rng` ends in the same state.
 *
 * @example
 * const [a, b] = await generateSamples(model, prompt, 2, { maxNewTokens: 100, temperature: 0.8, rng });
 */
export async function generateSamples(
  model: Gpt,
  prompt: Int32Array,
  n: number,
  opts: BatchSamplingOptions,
): Promise<Int32Array[]> {
  const outs = Array.from({ length: n }, () => new Int32Array(opts.maxNewTokens));
  const signals = new SignalWindow();
  let i = 0;
  for (const next of sampleBatch(model, prompt, n, opts)) {
    for (let s = 0; s < n; s++) {
      outs[s]![i] = next[s]!;
      opts.onToken?.(s, next[s]!);
    }
    if (++i < opts.maxNewTokens && signals.due()) await signals.letIn();
  }
  return outs;
}

/**
 * The sampling loop of one sample, synchronous: yields each of `maxNewTokens` tokens as it is
 * chosen. Memory stays put however many tokens are made, with or without event-loop turns.
 * @example
 * for (const id of sampleTokens(model, prompt, { maxNewTokens: 20_000, temperature: 1, rng })) text += decode([id]);
 */
export function* sampleTokens(model: Gpt, prompt: Int32Array, opts: SamplingOptions): Generator<number, void, void> {
  for (const next of sampleBatch(model, prompt, 1, opts)) yield next[0]!;
}

/**
 * The sampling loop itself, synchronous, for `n` samples side by side: yields, at each of
 * `maxNewTokens` steps, the n tokens just chosen (one buffer, overwritten by the next step). The
 * model runs through a {@link GptDecoder}, which is freed when the loop ends or is abandoned.
 */
export function* sampleBatch(
  model: Gpt,
  prompt: Int32Array,
  n: number,
  opts: Omit<SamplingOptions, 'onToken'>,
): Generator<Int32Array, void, void> {
  if (prompt.length === 0) throw new Error('generation needs a prompt of at least one token');
  const { blockSize, vocabSize: V } = model.config;
  const steps = opts.maxNewTokens;
  if (steps === 0) return;
  // The sampler draws exactly one number per token unless greedy: sample s takes draws s·steps … (s+1)·steps − 1.
  const streams = opts.temperature === 0 ? null : Float64Array.from({ length: n * steps }, () => opts.rng.random());
  const drawn = new Int32Array(n);
  const rngs = Array.from({ length: n }, (_, s) => () => streams![s * steps + drawn[s]!++]!);
  const sampleable = opts.sampleableIds ?? V;
  const topK = opts.topK === undefined ? undefined : Math.min(opts.topK, sampleable);
  // Each sample's tokens so far, for the window that is recomputed once the context passes blockSize.
  const outs = Array.from({ length: n }, () => new Int32Array(steps));
  const decoder = new GptDecoder(model, n);
  try {
    // The contexts' last blockSize tokens, row-major (n, ≤ blockSize).
    const window = (upTo: number): { ids: Int32Array; T: number } => {
      const kept = prompt.subarray(Math.max(0, prompt.length + upTo - blockSize));
      const fromOut = Math.min(upTo, blockSize - kept.length);
      const T = kept.length + fromOut;
      const ids = new Int32Array(n * T);
      for (let s = 0; s < n; s++) {
        ids.set(kept, s * T);
        ids.set(outs[s]!.subarray(upTo - fromOut, upTo), s * T + kept.length);
      }
      return { ids, T };
    };
    let { ids, T } = window(0);
    let logits = decoder.forward(ids, T);
    const next = new Int32Array(n);
    for (let i = 0; i < steps; i++) {
      for (let s = 0; s < n; s++) {
        const row = logits.subarray(s * V, (s + 1) * V);
        if (sampleable < V) row.fill(-Infinity, sampleable); // pad rows: probability 0
        const id = sampleNext(row, { temperature: opts.temperature, topK, topP: opts.topP, rng: rngs[s]! });
        outs[s]![i] = next[s] = id;
      }
      yield next;
      if (i === steps - 1) break;
      if (decoder.length < blockSize) logits = decoder.forward(next, 1);
      else {
        decoder.reset();
        ({ ids, T } = window(i + 1));
        logits = decoder.forward(ids, T);
      }
    }
  } finally {
    decoder.dispose();
  }
}

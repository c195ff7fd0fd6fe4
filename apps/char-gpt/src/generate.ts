// Autoregressive sampling from a Gpt with a KV cache, token for token what nanoGPT's generate() produces with its context crop.
import { noGrad, tidy } from '@tinygpt/autograd';
import type { Rng } from '@tinygpt/autograd';
import { sampleNext } from '@tinygpt/sampler';
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
  /** Called with each token as soon as it is chosen (for streaming). */
  onToken?: (id: number) => void;
}

/**
 * Continues `prompt` (token ids, at least one) by `maxNewTokens` sampled tokens and returns the
 * new ones, calling `onToken` with each as soon as it is chosen. It drives {@link sampleTokens},
 * letting the event loop turn only now and then, for Ctrl-C and streaming (see
 * {@link SignalWindow}); memory does not depend on those turns.
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
  const out = new Int32Array(opts.maxNewTokens);
  const signals = new SignalWindow();
  let i = 0;
  for (const id of sampleTokens(model, prompt, opts)) {
    out[i++] = id;
    opts.onToken?.(id);
    if (i < out.length && signals.due()) await signals.letIn();
  }
  return out;
}

/**
 * The sampling loop itself, synchronous: yields each of `maxNewTokens` tokens as it is chosen
 * (`onToken` is {@link generate}'s business). Runs in eval mode without recording a graph; each
 * token is one `tidy` scope, so nothing but the KV cache outlives it, and the cache is freed and
 * the model's mode restored when the loop ends or is abandoned. Memory stays put however many
 * tokens are made, with or without event-loop turns.
 * @example
 * for (const id of sampleTokens(model, prompt, { maxNewTokens: 20_000, temperature: 1, rng })) text += decode([id]);
 */
export function* sampleTokens(model: Gpt, prompt: Int32Array, opts: SamplingOptions): Generator<number, void, void> {
  if (prompt.length === 0) throw new Error('generation needs a prompt of at least one token');
  const { blockSize, vocabSize } = model.config;
  const wasTraining = model.training;
  model.eval();
  const caches = model.newCaches();
  try {
    let context = Array.from(prompt.subarray(-blockSize));
    const sampling = {
      temperature: opts.temperature,
      topK: opts.topK === undefined ? undefined : Math.min(opts.topK, vocabSize),
      topP: opts.topP,
      rng: () => opts.rng.random(),
    };
    /** Feeds `ids` to the cache and samples the next token from the logits (V) of the last position. */
    const next = (ids: Int32Array): number =>
      tidy(() =>
        noGrad(() => {
          const logits = model.forward(ids, [1, ids.length], { caches, lastOnly: true }).logits; // (1, 1, V)
          return sampleNext(logits.data, sampling);
        }),
      );
    /** The last `blockSize` tokens of the context, for an emptied cache. */
    const refill = (): Int32Array => {
      for (const cache of caches) cache.reset();
      return Int32Array.from(context.slice(-blockSize));
    };
    for (let i = 0; i < opts.maxNewTokens; i++) {
      const feed = i === 0 || caches[0]!.length >= blockSize ? refill() : Int32Array.of(context.at(-1)!);
      const id = next(feed);
      context.push(id);
      if (context.length > 2 * blockSize) context = context.slice(-blockSize); // only the last blockSize matter
      yield id;
    }
  } finally {
    for (const cache of caches) cache.reset();
    model.train(wasTraining);
  }
}

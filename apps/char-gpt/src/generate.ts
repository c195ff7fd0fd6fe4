// Autoregressive sampling from a Gpt with a KV cache, token for token what nanoGPT's generate() produces with its context crop.
import { noGrad } from '@tinygpt/autograd';
import type { Rng } from '@tinygpt/autograd';
import { sampleNext } from '@tinygpt/sampler';
import type { Gpt } from './model/gpt.js';
import { nextTurn } from './next-turn.js';

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

/**
 * Continues `prompt` (token ids, at least one) by `maxNewTokens` sampled tokens and returns the
 * new ones. Runs in eval mode without recording a graph, then restores the model's mode; yields to
 * the event loop after each token (see {@link nextTurn}).
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
  if (prompt.length === 0) throw new Error('generation needs a prompt of at least one token');
  const { blockSize, vocabSize } = model.config;
  const wasTraining = model.training;
  model.eval();
  try {
    const caches = model.newCaches();
    const context = Array.from(prompt);
    const out = new Int32Array(opts.maxNewTokens);
    /** Logits (V) of the last position after feeding `ids` to the cache. */
    const step = (ids: Int32Array): Float32Array =>
      noGrad(() => model.forward(ids, [1, ids.length], { caches, lastOnly: true }).logits.data); // (1, 1, V)
    /** Logits after the last `blockSize` tokens of the context, from an emptied cache. */
    const refill = (): Float32Array => {
      for (const cache of caches) cache.reset();
      return step(Int32Array.from(context.slice(-blockSize)));
    };
    const sampleable = opts.sampleableIds ?? vocabSize;
    let logits = refill();
    for (let i = 0; i < opts.maxNewTokens; i++) {
      if (sampleable < vocabSize) logits.fill(-Infinity, sampleable); // pad rows: probability 0
      const next = sampleNext(logits, {
        temperature: opts.temperature,
        topK: opts.topK === undefined ? undefined : Math.min(opts.topK, sampleable),
        topP: opts.topP,
        rng: () => opts.rng.random(),
      });
      out[i] = next;
      context.push(next);
      opts.onToken?.(next);
      if (i === opts.maxNewTokens - 1) break;
      await nextTurn();
      logits = caches[0]!.length < blockSize ? step(Int32Array.of(next)) : refill();
    }
    return out;
  } finally {
    model.train(wasTraining);
  }
}

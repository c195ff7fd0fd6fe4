// What the Sample and Attention tabs show of the model: the filtered next-token distribution and every head's attention weights.
import { noGrad } from '@tinygpt/autograd';
import type { Gpt } from '@tinygpt/char-gpt/browser';
import { softmax } from '@tinygpt/sampler';
import type { SampleKnobs } from './protocol.js';

/** Logits (V) of the next token after the last blockSize ids of `context`. */
export function nextLogits(model: Gpt, context: ArrayLike<number>): Float32Array {
  const { blockSize } = model.config;
  const ids = Int32Array.from(Array.from(context).slice(-blockSize));
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => model.forward(ids, [1, ids.length], { lastOnly: true }).logits.data.slice()); // (1, 1, V)
  } finally {
    model.train(wasTraining);
  }
}

/**
 * The distribution a token is drawn from under `knobs`, as @tinygpt/sampler's sampleNext applies
 * them (temperature → top-k → top-p; T = 0 puts all mass on the argmax): probabilities by id, zero
 * for filtered-out ids, summing to 1.
 */
export function filteredProbs(logits: Float32Array, knobs: SampleKnobs): Float32Array {
  const V = logits.length;
  const out = new Float32Array(V);
  if (knobs.temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i]! > logits[best]!) best = i;
    out[best] = 1;
    return out;
  }
  const p = softmax(logits, knobs.temperature);
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  const k = knobs.topK > 0 ? Math.min(knobs.topK, V) : V;
  let kept = order.slice(0, k);
  if (knobs.topP < 1) {
    const total = kept.reduce((s, i) => s + p[i]!, 0);
    let sum = 0;
    const nucleus: number[] = [];
    for (const i of kept) {
      nucleus.push(i);
      sum += p[i]! / total;
      if (sum >= knobs.topP) break;
    }
    kept = nucleus;
  }
  const total = kept.reduce((s, i) => s + p[i]!, 0);
  for (const i of kept) out[i] = p[i]! / total;
  return out;
}

/**
 * Every block's attention weights for `ids` (one sequence of T ≤ blockSize), each (nHead, T, T)
 * row-major: row t is how position t spreads its attention over positions 0..t.
 */
export function attentionMaps(model: Gpt, ids: Int32Array): Float32Array[] {
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => model.forward(ids, [1, ids.length], { lastOnly: true, returnAttention: true }));
    return model.transformer.h.map((block) => block.attn.lastAttention!.data.slice()); // each (1, nHead, T, T)
  } finally {
    model.train(wasTraining);
  }
}

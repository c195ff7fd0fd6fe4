// What the page draws of a next-token distribution, computed in the worker: the most probable tokens with readable
// labels, the rest's mass, the entropy.
import { entropy } from '@tinygpt/sampler';
import type { Tokenizer } from '@tinygpt/tokenizer';
import type { Distribution } from './protocol.js';

/** Bars shown: the most probable tokens; everything else is one "rest" bar. */
const TOP = 20;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A token as text to show: its characters, or, for a GPT-2 token holding part of a multi-byte
 * character (not UTF-8 on its own), its bytes as `<e2><80>`.
 *
 * @example
 * tokenLabel(gpt2, 15496); // 'Hello'
 * tokenLabel(gpt2, 447);   // '<e2><80>' (the first two bytes of '’')
 */
export function tokenLabel(tokenizer: Tokenizer, id: number): string {
  const bytes = tokenizer.decodeBytes([id]);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return Array.from(bytes, (b) => `<${b.toString(16).padStart(2, '0')}>`).join('');
  }
}

/**
 * The top {@link TOP} of `probs` (by id, over the tokenizer's ids only: a padded vocabulary's
 * pad rows are left out before this) with labels, the mass of the rest, and the entropy in nats.
 */
export function describeDistribution(probs: Float32Array, tokenizer: Tokenizer): Distribution {
  const order = Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]! || a - b);
  const top = order.slice(0, TOP);
  return {
    bars: top.map((id) => ({ id, label: tokenLabel(tokenizer, id), p: probs[id]! })),
    rest: order.slice(TOP).reduce((s, id) => s + probs[id]!, 0),
    entropy: entropy(probs),
  };
}

// Draws the next token from logits: temperature, then top-k, top-p (nucleus) and min-p filtering, then one seeded draw.
import { SamplerError } from './sampler-error.js';
import { checkTemperature, scanLogits } from './softmax.js';
import { nucleus } from './nucleus.js';
import { topTokens } from './top-tokens.js';

/** A source of uniform random numbers in [0, 1), such as `seededRandom(seed)`. */
export type Rng = () => number;

/**
 * How to turn logits into a token. The steps apply in this order, as in Hugging Face's `generate`
 * (nanoGPT has the first two): temperature → top-k → top-p → min-p. At least one token always
 * survives. Leaving a filter out (or `topP: 1`, `minP: 0`) disables it.
 */
export interface SampleOptions {
  /** Uniform random numbers in [0, 1); one is drawn per call (none when `temperature` is 0). */
  readonly rng: Rng;
  /** Divides the logits before softmax: below 1 sharpens, above 1 flattens, 0 is greedy argmax. Default 1. */
  readonly temperature?: number;
  /** Keep only the `topK` most probable tokens (an integer ≥ 1; ties at the cut go to the lower id). */
  readonly topK?: number;
  /**
   * Nucleus sampling (Holtzman et al. 2019), in (0, 1]: keep the smallest set of most probable
   * tokens whose probabilities, renormalized after top-k, sum to at least `topP`.
   */
  readonly topP?: number;
  /** In [0, 1]: drop tokens whose probability is below `minP` times that of the most probable token. */
  readonly minP?: number;
}

/** A drawn token with what a display of each choice's certainty needs: its probability, the entropy, the candidates. */
export interface SampledToken {
  /** The token id. */
  readonly token: number;
  /** Its probability in the distribution it was drawn from (after temperature and filtering). */
  readonly prob: number;
  /** Entropy of that distribution in nats: 0 when one token is certain, ln n for n equally likely. */
  readonly entropy: number;
  /** How many tokens had a nonzero probability in it. */
  readonly candidates: number;
}

/**
 * The distribution a token is drawn from: unnormalized weights `exp((logit - max) / T)`, which are
 * 1 for the most probable token, and either the ids they belong to or `null` for all ids in order
 * (filtered-out ids then have weight 0).
 */
interface Distribution {
  readonly ids: Int32Array | null;
  readonly weights: Float64Array;
  readonly total: number;
  readonly greedy: boolean;
}

/**
 * Samples the next token id from `logits` (shape `[V]`, one row of the model's output). Efficient
 * for V = 50,257: it never sorts the vocabulary. Without top-k or top-p it makes two passes over the
 * logits; top-k selects the k best in one pass (`topTokens`); top-p without top-k buckets the
 * logits and sorts only the bucket where the nucleus ends (`nucleus`).
 *
 * - temperature: `p ∝ exp(logit / T)`; `T = 0` returns the argmax (lowest id on ties) and ignores the filters.
 * - top-k: exactly `min(topK, V)` tokens stay, ties at the cut broken by the lower id (nanoGPT
 *   would keep all tokens tied with the k-th; with real-valued logits the two agree).
 * - top-p: the shortest run of most probable tokens whose probability sums to `≥ topP`.
 * - min-p: tokens with `p < minP · p_max` go.
 *
 * @example
 * const rng = seededRandom(1337);
 * const next = sampleNext(logits, { rng, temperature: 0.8, topK: 200 });
 */
export function sampleNext(logits: Float32Array, options: SampleOptions): number {
  const dist = distribution(logits, options);
  const index = draw(dist, options.rng);
  return dist.ids === null ? index : dist.ids[index]!;
}

/**
 * {@link sampleNext}, also returning the drawn token's probability, the distribution's entropy and
 * its number of candidates. It draws the same token from the same random number.
 *
 * @example
 * const { token, prob, entropy } = sampleNextWithProbs(logits, { rng, topP: 0.9 });
 */
export function sampleNextWithProbs(logits: Float32Array, options: SampleOptions): SampledToken {
  const dist = distribution(logits, options);
  const index = draw(dist, options.rng);
  let entropy = 0;
  let candidates = 0;
  for (const weight of dist.weights) {
    if (weight > 0) {
      const p = weight / dist.total;
      entropy -= p * Math.log(p);
      candidates++;
    }
  }
  return {
    token: dist.ids === null ? index : dist.ids[index]!,
    prob: dist.weights[index]! / dist.total,
    entropy: Math.max(0, entropy), // rounding can leave -1e-17 for a certain token
    candidates,
  };
}

/** The filtered distribution of the docs above. */
function distribution(logits: Float32Array, options: SampleOptions): Distribution {
  const { temperature, topK, topP, minP } = checkOptions(options);
  const { max, argmax } = scanLogits(logits);
  const V = logits.length;
  if (temperature === 0) return { ids: Int32Array.of(argmax), weights: Float64Array.of(1), total: 1, greedy: true };
  /** exp((logit - max) / T): proportional to the token's probability, and 1 for the most probable token. */
  const weightOf = (id: number): number => Math.exp((logits[id]! - max) / temperature);

  if ((topK === undefined || topK >= V) && topP === undefined) {
    // Temperature and min-p only: min-p keeps p_i ≥ minP · p_max, that is weight_i ≥ minP.
    const weights = new Float64Array(V);
    let total = 0;
    for (let i = 0; i < V; i++) {
      const weight = weightOf(i);
      if (weight >= minP) {
        weights[i] = weight;
        total += weight;
      }
    }
    return { ids: null, weights, total, greedy: false };
  }

  let ids: Int32Array;
  let weights: Float64Array;
  if (topK !== undefined && topK < V) {
    ids = topTokens(logits, topK);
    weights = new Float64Array(ids.length);
    let mass = 0;
    for (let i = 0; i < ids.length; i++) mass += weights[i] = weightOf(ids[i]!);
    if (topP !== undefined) {
      // Top-p after top-k: the shortest prefix holding topP of the top-k tokens' mass.
      const n = prefixReaching(weights, topP * mass);
      [ids, weights] = [ids.subarray(0, n), weights.subarray(0, n)];
    }
  } else {
    ({ ids, weights } = nucleus(logits, max, temperature, topP!));
  }
  if (minP > 0) {
    // Min-p: keep weight ≥ minP (the top token's weight is 1 ≥ minP, so it always stays).
    let n = 0;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i]! >= minP) {
        ids[n] = ids[i]!;
        weights[n++] = weights[i]!;
      }
    }
    [ids, weights] = [ids.subarray(0, n), weights.subarray(0, n)];
  }
  let total = 0;
  for (const weight of weights) total += weight;
  return { ids, weights, total, greedy: false };
}

/** Length of the shortest prefix of `weights` whose sum reaches `needed` (all of them if none does). */
function prefixReaching(weights: Float64Array, needed: number): number {
  let cumulative = 0;
  for (let n = 0; n < weights.length;) {
    cumulative += weights[n++]!;
    if (cumulative >= needed) return n;
  }
  return weights.length;
}

/**
 * Index into `dist` of a token drawn with probability weight / total: the first whose cumulative
 * weight exceeds `rng() · total`. Greedy distributions draw no random number.
 */
function draw(dist: Distribution, rng: Rng): number {
  if (dist.greedy) return 0;
  const u = rng();
  if (!(u >= 0 && u < 1)) throw new SamplerError(`rng() must return a number in [0, 1), got ${u}`);
  const { weights } = dist;
  const target = u * dist.total;
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! > 0) {
      cumulative += weights[i]!;
      if (target < cumulative) return i;
      last = i;
    }
  }
  return last; // u · total rounded up to total: the last token with a chance takes it
}

/** The options with defaults filled in, or a {@link SamplerError} naming the first bad one. */
function checkOptions(options: SampleOptions): {
  temperature: number;
  topK: number | undefined;
  topP: number | undefined;
  minP: number;
} {
  if (typeof options?.rng !== 'function') {
    throw new SamplerError('options.rng must be a function returning uniform random numbers in [0, 1)');
  }
  const { temperature = 1, topK, topP, minP = 0 } = options;
  checkTemperature(temperature);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) {
    throw new SamplerError(`topK must be an integer >= 1, got ${topK}`);
  }
  if (topP !== undefined && !(typeof topP === 'number' && topP > 0 && topP <= 1)) {
    throw new SamplerError(`topP must be in (0, 1], got ${topP}`);
  }
  if (!(typeof minP === 'number' && minP >= 0 && minP <= 1)) {
    throw new SamplerError(`minP must be in [0, 1], got ${minP}`);
  }
  return { temperature, topK, topP: topP === 1 ? undefined : topP, minP };
}

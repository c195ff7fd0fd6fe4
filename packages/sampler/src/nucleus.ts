// Finds the nucleus of top-p sampling (Holtzman et al. 2019) over a whole vocabulary without sorting it.

/** Equal-width logit buckets; only the one where the cumulative mass reaches topP gets sorted. */
const buckets = 1024;

/**
 * The nucleus: the shortest run of most probable tokens (lower id first on ties) whose weights
 * `exp((logit - max) / T)` sum to at least `topP` of all the weight, with those weights.
 *
 * Sorting 50,257 tokens to find it would cost O(V log V). Instead one pass drops every token into
 * one of 1,024 buckets of equal logit width and sums each bucket's weight; whole buckets, from the
 * top, are in while their weight falls short of `topP`, and only the bucket where it is reached is
 * sorted. Ids come out grouped by bucket, not in full order. Shape: `[V]` → `[n]`, n ≥ 1.
 *
 * @param max the largest logit (which must be finite), so weights are at most 1 and never overflow
 */
export function nucleus(
  logits: Float32Array,
  max: number,
  temperature: number,
  topP: number,
): { ids: Int32Array; weights: Float64Array } {
  const V = logits.length;
  let min = max;
  for (let i = 0; i < V; i++) if (logits[i]! < min && logits[i]! > -Infinity) min = logits[i]!;
  const scale = max > min ? (buckets - 1) / (max - min) : 0;

  const bucketOf = new Uint16Array(V); // bucket of each token; `buckets` for -Infinity logits
  const weightOf = new Float64Array(V);
  const bucketWeight = new Float64Array(buckets);
  const bucketSize = new Int32Array(buckets);
  let total = 0;
  for (let i = 0; i < V; i++) {
    const logit = logits[i]!;
    if (logit === -Infinity) {
      bucketOf[i] = buckets;
      continue;
    }
    const bucket = Math.min(buckets - 1, Math.floor((max - logit) * scale)); // 0 holds the max
    const weight = Math.exp((logit - max) / temperature);
    bucketOf[i] = bucket;
    weightOf[i] = weight;
    bucketWeight[bucket]! += weight;
    bucketSize[bucket]!++;
    total += weight;
  }

  // Buckets above `edge` are all in; the nucleus ends inside `edge`. With topP = 1 every token with
  // a chance is in, whatever rounding does to sums taken in different orders.
  const needed = topP < 1 ? topP * total : Infinity;
  let edge = 0;
  let above = 0;
  let inside = 0;
  while (edge < buckets - 1 && above + bucketWeight[edge]! < needed) {
    above += bucketWeight[edge]!;
    inside += bucketSize[edge++]!;
  }
  const ids = new Int32Array(inside + bucketSize[edge]!);
  let n = 0;
  let m = inside;
  for (let i = 0; i < V; i++) {
    if (bucketOf[i]! < edge) ids[n++] = i;
    else if (bucketOf[i] === edge) ids[m++] = i;
  }
  // Sort the edge bucket, most probable first, and keep the shortest prefix that reaches topP.
  const edgeIds = ids.subarray(inside).sort((a, b) => logits[b]! - logits[a]! || a - b);
  let cumulative = above;
  let kept = 0;
  while (kept < edgeIds.length && cumulative < needed) cumulative += weightOf[edgeIds[kept++]!]!;
  const nucleusIds = ids.subarray(0, inside + kept);
  const weights = new Float64Array(nucleusIds.length);
  for (let i = 0; i < nucleusIds.length; i++) weights[i] = weightOf[nucleusIds[i]!]!;
  return { ids: nucleusIds, weights };
}

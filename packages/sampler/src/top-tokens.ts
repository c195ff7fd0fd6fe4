// Partial selection of the k largest logits in one pass over the vocabulary, with no full sort.

/**
 * The ids of the `k` largest logits, largest first, ties broken by the lower id. Tokens whose logit
 * is -Infinity are never chosen, so fewer than `k` ids come back when fewer have a chance.
 *
 * One pass keeps the best `k` seen so far in a min-heap whose root is the worst of them; nearly every
 * logit loses to the root in one comparison, so the cost is close to O(V) for small k (O(V log k)
 * at worst) instead of a sort's O(V log V). Shape: `[V]` → `[min(k, V)]` or fewer.
 *
 * @example
 * topTokens(Float32Array.of(0.1, 2, -1, 2, 0.5), 3); // Int32Array [1, 3, 4]
 */
export function topTokens(logits: Float32Array, k: number): Int32Array {
  const heap = new Int32Array(Math.min(k, logits.length));
  /** Whether token `a` ranks below token `b`. */
  const worse = (a: number, b: number): boolean => logits[a]! < logits[b]! || (logits[a] === logits[b] && a > b);
  let size = 0;
  for (let id = 0; id < logits.length; id++) {
    if (!(logits[id]! > -Infinity)) continue;
    if (size < heap.length) {
      // Sift the new id up from the end of the heap.
      let i = size++;
      while (i > 0 && worse(id, heap[(i - 1) >> 1]!)) {
        heap[i] = heap[(i - 1) >> 1]!;
        i = (i - 1) >> 1;
      }
      heap[i] = id;
    } else if (logits[id]! > logits[heap[0]!]!) {
      // A later id that only ties the root ranks below it, so only a strictly larger logit enters.
      let i = 0;
      for (let child = 1; child < size; child = 2 * i + 1) {
        if (child + 1 < size && worse(heap[child + 1]!, heap[child]!)) child++;
        if (!worse(heap[child]!, id)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = id;
    }
  }
  return heap.subarray(0, size).sort((a, b) => (worse(a, b) ? 1 : -1));
}

// The keys and values one attention layer has already computed, so generation need not recompute them.
import { concat, keep } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';

/**
 * The cached keys and values of ONE {@link CausalSelfAttention} layer, each (B, nHead, length, headSize).
 *
 * Pass the same cache to the same layer at every generation step (a GPT keeps one per block):
 * the layer then needs only the new positions, computes their keys and values, appends them here
 * (a concat along T) and attends over everything cached. Generating token t+1 thus costs O(t)
 * instead of re-running the whole context. Use it under `noGrad`: with gradients on, the cache
 * would keep every step's graph alive. The cache owns its tensors: they outlive the `tidy` scope
 * of each step (it `keep`s them), each append frees the ones it replaces, and `reset` frees all.
 *
 * @example
 * const caches = model.blocks.map(() => new KvCache());
 * noGrad(() => attn.forward(x, { cache: caches[0] })); // x holds only the new positions
 * caches[0].length; // positions cached so far
 */
/**
 * Lets go of a tensor the cache no longer holds: freed now, or, when a recorded graph still
 * needs it (the cache used with gradients on), left for `backward()` to free.
 */
function retire(t: Tensor): void {
  if (t.node) t.kept = false;
  else t.dispose();
}

export class KvCache {
  #keys: Tensor | null = null;
  #values: Tensor | null = null;

  /** Number of positions cached. */
  get length(): number {
    return this.#keys === null ? 0 : this.#keys.shape[2]!;
  }

  /** Cached keys (B, nHead, length, headSize), or null when empty. */
  get keys(): Tensor | null {
    return this.#keys;
  }

  /** Cached values (B, nHead, length, headSize), or null when empty. */
  get values(): Tensor | null {
    return this.#values;
  }

  /**
   * Appends the keys and values of new positions, each (B, nHead, T, headSize), and returns all
   * cached keys and values, each (B, nHead, length + T, headSize).
   * @throws Error when B, nHead or headSize differ from what is cached.
   */
  append(k: Tensor, v: Tensor): { keys: Tensor; values: Tensor } {
    if (this.#keys === null || this.#values === null) {
      this.#keys = keep(k);
      this.#values = keep(v);
    } else {
      const [B, nh, , hs] = this.#keys.shape;
      if (k.shape[0] !== B || k.shape[1] !== nh || k.shape[3] !== hs) {
        throw new Error(
          `KvCache: new keys (${k.shape.join(', ')}) do not match the cached (${this.#keys.shape.join(', ')}) in B, nHead or headSize`,
        );
      }
      const keys = keep(concat([this.#keys, k], 2)); // (B, nh, length + T, hs)
      const values = keep(concat([this.#values, v], 2)); // (B, nh, length + T, hs)
      retire(this.#keys);
      retire(this.#values);
      this.#keys = keys;
      this.#values = values;
    }
    return { keys: this.#keys, values: this.#values };
  }

  /** Empties the cache, e.g. before generating from a new prompt, and frees what it held. */
  reset(): void {
    if (this.#keys) retire(this.#keys);
    if (this.#values) retire(this.#values);
    this.#keys = null;
    this.#values = null;
  }
}

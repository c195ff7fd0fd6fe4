// The causal mask of self-attention: query i may look at keys 0..i of its own sequence, never later ones.
import { Tensor } from '@tinygpt/autograd';

let last: { T: number; Tk: number; mask: Tensor } | null = null;

/**
 * A (T, Tk) 0/1 mask for `maskedFill`, 1 where query i must not see key j.
 *
 * The T queries are the last T of the Tk positions (the first Tk - T come from a KV cache), so
 * query i sits at position Tk - T + i and may see keys j ≤ Tk - T + i. Without a cache T = Tk
 * and this is the strict upper triangle, nanoGPT's `bias[:, :, :T, :T] == 0`.
 *
 * Building it costs T·Tk writes; the most recent mask is kept and returned again for the same
 * (T, Tk), so every layer of every training step shares one tensor. It carries no gradient and
 * must not be written to.
 *
 * @example
 * causalMask(3, 3).toArray(); // [0, 1, 1,  0, 0, 1,  0, 0, 0]
 * causalMask(2, 4).toArray(); // [0, 0, 0, 1,  0, 0, 0, 0]  (two cached positions)
 */
export function causalMask(T: number, Tk: number): Tensor {
  if (last && last.T === T && last.Tk === Tk) return last.mask;
  if (!Number.isInteger(T) || !Number.isInteger(Tk) || T < 1 || Tk < T) {
    throw new RangeError(`causalMask: need integers 1 ≤ T ≤ Tk, got T=${T}, Tk=${Tk}`);
  }
  const past = Tk - T;
  const data = new Float32Array(T * Tk);
  for (let i = 0; i < T; i++) data.fill(1, i * Tk + past + i + 1, (i + 1) * Tk);
  // A plain array, not backend storage: a graph recorded earlier may still read the mask this one
  // replaces, so it is left to the garbage collector (a backend copies it in for each use).
  last = { T, Tk, mask: new Tensor(data, [T, Tk]) };
  return last.mask;
}

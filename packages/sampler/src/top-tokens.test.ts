// Tests the partial selection of the top k tokens against sorting the whole vocabulary.
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import { topTokens } from './top-tokens.js';

/** The naive reference: sort every id with a chance by logit, largest first, lower id first on ties. */
function sortedIds(logits: Float32Array): number[] {
  return [...logits.keys()].filter((id) => logits[id]! > -Infinity).sort((a, b) => logits[b]! - logits[a]! || a - b);
}

describe('topTokens', () => {
  it('returns the k largest logits, largest first, lower id first on ties', () => {
    expect([...topTokens(Float32Array.of(0.1, 2, -1, 2, 0.5), 3)]).toEqual([1, 3, 4]);
    expect([...topTokens(new Float32Array(5), 2)]).toEqual([0, 1]);
    expect([...topTokens(Float32Array.of(-Infinity, 1, -Infinity), 3)]).toEqual([1]);
  });

  it('agrees with a full sort on random logits full of ties and -Infinity, for every kind of k', () => {
    const rng = seededRandom('top-tokens');
    for (let trial = 0; trial < 200; trial++) {
      const V = 1 + Math.floor(rng() * 300);
      // Few distinct values make ties common; some tokens are masked out.
      const logits = Float32Array.from({ length: V }, () => (rng() < 0.1 ? -Infinity : Math.floor(rng() * 12) - 6));
      const expected = sortedIds(logits);
      for (const k of [1, 2, 7, Math.ceil(V / 2), V - 1, V, V + 5]) {
        if (k < 1) continue;
        expect([...topTokens(logits, k)], `V = ${V}, k = ${k}`).toEqual(expected.slice(0, k));
      }
    }
  });

  it('selects from a GPT-2-sized vocabulary exactly as a full sort does', () => {
    const rng = seededRandom('gpt-2 sized');
    const logits = Float32Array.from({ length: 50257 }, () => rng() * 20 - 10);
    const expected = sortedIds(logits);
    for (const k of [1, 40, 200, 5000]) expect([...topTokens(logits, k)]).toEqual(expected.slice(0, k));
  });
});

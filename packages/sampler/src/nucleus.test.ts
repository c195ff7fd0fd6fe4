// Tests the bucketed nucleus search against sorting the whole vocabulary.
import { describe, expect, it } from 'vitest';
import { nucleus } from './nucleus.js';
import { seededRandom } from './seeded-random.js';

/** The naive reference: sort every token, largest logit first (lower id on ties), and take the shortest prefix reaching topP. */
function sortedNucleus(logits: Float32Array, temperature: number, topP: number): number[] {
  const order = [...logits.keys()]
    .filter((id) => logits[id]! > -Infinity)
    .sort((a, b) => logits[b]! - logits[a]! || a - b);
  const max = logits[order[0]!]!;
  const weights = order.map((id) => Math.exp((logits[id]! - max) / temperature));
  const needed = topP < 1 ? topP * weights.reduce((a, b) => a + b, 0) : Infinity; // topP = 1 keeps every token
  let cumulative = 0;
  const last = weights.findIndex((w) => (cumulative += w) >= needed);
  return order.slice(0, last < 0 ? order.length : last + 1);
}

function check(logits: Float32Array, temperature: number, topP: number, label: string): void {
  const max = Math.max(...logits);
  const { ids, weights } = nucleus(logits, max, temperature, topP);
  const expected = sortedNucleus(logits, temperature, topP);
  expect(
    [...ids].sort((a, b) => a - b),
    label,
  ).toEqual(expected.sort((a, b) => a - b));
  expect([...weights], label).toEqual(Array.from(ids, (id) => Math.exp((logits[id]! - max) / temperature)));
}

describe('nucleus', () => {
  it('keeps the shortest run of most probable tokens reaching topP', () => {
    const logits = Float32Array.from([0.2, 0.4, 0.1, 0.3], Math.log);
    expect([...nucleus(logits, Math.max(...logits), 1, 0.35).ids]).toEqual([1]);
    expect([...nucleus(logits, Math.max(...logits), 1, 0.65).ids].sort()).toEqual([1, 3]);
  });

  it('agrees with a full sort on peaked, flat, tied and masked logits', () => {
    const rng = seededRandom('nucleus');
    const shapes: Record<string, () => number> = {
      peaked: () => 4 * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
      flat: () => 1e-3 * rng(),
      tied: () => Math.floor(rng() * 5),
      masked: () => (rng() < 0.5 ? -Infinity : rng() * 8),
      'all equal': () => 1.5,
    };
    for (const [shape, logit] of Object.entries(shapes)) {
      for (let trial = 0; trial < 20; trial++) {
        const V = 1 + Math.floor(rng() * 2000);
        const logits = Float32Array.from({ length: V }, logit);
        if (!logits.some((l) => l > -Infinity)) logits[0] = 0;
        for (const [T, p] of [
          [1, 0.9],
          [0.5, 0.3],
          [2, 0.999],
          [1, 1e-6],
          [0.8, 1],
        ] as const) {
          check(logits, T, p, `${shape}, V = ${V}, T = ${T}, topP = ${p}`);
        }
      }
    }
  });

  it('agrees with a full sort on GPT-2-sized logits', () => {
    const rng = seededRandom('nucleus 50257');
    const logits = Float32Array.from(
      { length: 50257 },
      () => 3 * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
    );
    for (const [T, p] of [
      [0.8, 0.9],
      [1.5, 0.95],
      [0.3, 0.5],
    ] as const)
      check(logits, T, p, `T = ${T}, topP = ${p}`);
  });
});

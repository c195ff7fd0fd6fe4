// Tests of sampleNext: greedy decoding, the filters against a naive reference, seeded determinism, and
// chi-square tests that 100,000 draws follow the intended distribution (and that a biased sampler fails them).
import { describe, expect, it } from 'vitest';
import { SamplerError } from './sampler-error.js';
import { sampleNext, sampleNextWithProbs, type Rng, type SampleOptions } from './sample-next.js';
import { seededRandom } from './seeded-random.js';
import { argmax, entropy, softmax } from './softmax.js';

type Filters = Omit<SampleOptions, 'rng'>;

/** Logits drawn from N(0, scale²), seeded. */
function gaussianLogits(V: number, seed: number, scale = 2): Float32Array {
  const rng = seededRandom(seed);
  return Float32Array.from(
    { length: V },
    () => scale * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
  );
}

/**
 * The intended distribution, written the obvious way: sort every token by logit (lower id first on
 * ties), take the top k, then the shortest prefix holding topP of their mass, then drop tokens below
 * minP times the top probability, and renormalize. Returns id → probability.
 */
function reference(logits: Float32Array, { temperature = 1, topK, topP, minP = 0 }: Filters): Map<number, number> {
  const order = [...logits.keys()].filter((id) => logits[id]! > -Infinity);
  order.sort((a, b) => logits[b]! - logits[a]! || a - b);
  if (temperature === 0) return new Map([[order[0]!, 1]]);
  const max = logits[order[0]!]!;
  let kept = order.map((id) => ({ id, weight: Math.exp((logits[id]! - max) / temperature) }));
  if (topK !== undefined) kept = kept.slice(0, topK);
  if (topP !== undefined) {
    const total = kept.reduce((sum, t) => sum + t.weight, 0);
    let cumulative = 0;
    const last = kept.findIndex((t) => (cumulative += t.weight) >= topP * total);
    kept = kept.slice(0, last < 0 ? kept.length : last + 1);
  }
  kept = kept.filter((t) => t.weight >= minP * kept[0]!.weight);
  const total = kept.reduce((sum, t) => sum + t.weight, 0);
  return new Map(kept.map((t) => [t.id, t.weight / total]));
}

/** How often each id comes out of `draws` calls of `sample`. */
function countDraws(V: number, draws: number, sample: () => number): Float64Array {
  const counts = new Float64Array(V);
  for (let i = 0; i < draws; i++) counts[sample()]!++;
  return counts;
}

/**
 * Pearson's chi-square statistic of observed counts against expected probabilities, with its
 * critical value at significance 0.001 (Wilson–Hilferty). Any count where the probability is 0
 * makes the statistic infinite.
 */
function chiSquare(counts: Float64Array, probs: Map<number, number>): { statistic: number; critical: number } {
  const draws = counts.reduce((a, b) => a + b, 0);
  let statistic = 0;
  counts.forEach((count, id) => {
    const expected = (probs.get(id) ?? 0) * draws;
    statistic += expected > 0 ? (count - expected) ** 2 / expected : count > 0 ? Infinity : 0;
  });
  const df = probs.size - 1;
  const z = 3.0902; // the 0.999 quantile of N(0, 1)
  const critical = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return { statistic, critical };
}

const draws = 100_000;

describe('sampleNext: temperature 0 is greedy', () => {
  it('returns the argmax, lowest id on ties, ignoring the filters and drawing no random number', () => {
    let calls = 0;
    const rng: Rng = () => (calls++, 0.5);
    for (let seed = 0; seed < 20; seed++) {
      const logits = gaussianLogits(300, seed);
      expect(sampleNext(logits, { rng, temperature: 0 })).toBe(argmax(logits));
      expect(sampleNext(logits, { rng, temperature: 0, topK: 3, topP: 0.5, minP: 0.5 })).toBe(argmax(logits));
    }
    expect(sampleNext(Float32Array.of(1, 4, -2, 4), { rng, temperature: 0 })).toBe(1);
    expect(calls).toBe(0);
    expect(sampleNextWithProbs(Float32Array.of(1, 4, 4), { rng, temperature: 0 })).toEqual({
      token: 1,
      prob: 1,
      entropy: 0,
      candidates: 1,
    });
  });
});

describe('sampleNext draws from softmax(logits / T)', () => {
  const logits = Float32Array.of(1.2, -0.3, 2.1, 0.4, -1.5, 0.9, 1.7, -0.8, 0.1, 2.4);
  const V = logits.length;

  for (const temperature of [1, 0.7, 1.8]) {
    it(`over ${draws.toLocaleString('en')} seeded draws at T = ${temperature} (chi-square and per-token 4.5σ)`, () => {
      const rng = seededRandom(`chi-square ${temperature}`);
      const counts = countDraws(V, draws, () => sampleNext(logits, { rng, temperature }));
      const probs = softmax(logits, temperature);
      const { statistic, critical } = chiSquare(counts, new Map([...probs].map((p, id) => [id, p])));
      expect(statistic).toBeLessThan(critical);
      probs.forEach((p, id) => {
        const sigma = Math.sqrt((p * (1 - p)) / draws);
        expect(Math.abs(counts[id]! / draws - p), `token ${id}`).toBeLessThan(4.5 * sigma);
      });
    });
  }

  it('and the same test rejects samplers that are slightly biased', () => {
    const probs = new Map([...softmax(logits)].map((p, id) => [id, p]));
    // Sampling at T = 1.05 when T = 1 was asked for:
    const warm = seededRandom('biased 1');
    const tooWarm = chiSquare(
      countDraws(V, draws, () => sampleNext(logits, { rng: warm, temperature: 1.05 })),
      probs,
    );
    expect(tooWarm.statistic).toBeGreaterThan(tooWarm.critical);
    // One token given 0.01 too much probability (its logit nudged up), the others renormalized:
    const nudged = logits.slice();
    nudged[4] = Math.log(Math.exp(logits[4]!) + 0.01 * [...logits].reduce((s, l) => s + Math.exp(l), 0));
    const rng = seededRandom('biased 2');
    const skewed = chiSquare(
      countDraws(V, draws, () => sampleNext(nudged, { rng })),
      probs,
    );
    expect(skewed.statistic).toBeGreaterThan(skewed.critical);
  });

  it('approaches uniform as T → ∞', () => {
    const rng = seededRandom('hot');
    const counts = countDraws(V, draws, () => sampleNext(logits, { rng, temperature: 1e6 }));
    const uniform = new Map(Array.from({ length: V }, (_, id) => [id, 1 / V]));
    const { statistic, critical } = chiSquare(counts, uniform);
    expect(statistic).toBeLessThan(critical);
    expect(Math.log(V) - sampleNextWithProbs(logits, { rng, temperature: 1e6 }).entropy).toBeLessThan(1e-9);
  });

  it('never draws a token whose logit is -Infinity', () => {
    const masked = Float32Array.of(0, -Infinity, 0, -Infinity, -Infinity);
    const rng = seededRandom('mask');
    const counts = countDraws(5, 20_000, () => sampleNext(masked, { rng, temperature: 3 }));
    expect([counts[1], counts[3], counts[4]]).toEqual([0, 0, 0]);
  });
});

describe('sampleNext: seeded determinism', () => {
  const logits = gaussianLogits(1000, 7);
  const sequence = (seed: number, options: Filters): number[] => {
    const rng = seededRandom(seed);
    return Array.from({ length: 500 }, () => sampleNext(logits, { rng, ...options }));
  };

  it('the same seed gives the same sequence; another seed another', () => {
    for (const options of [{}, { temperature: 0.8, topK: 40 }, { topP: 0.9 }, { minP: 0.05, temperature: 1.3 }]) {
      expect(sequence(1337, options)).toEqual(sequence(1337, options));
      expect(sequence(1337, options)).not.toEqual(sequence(1338, options));
    }
  });

  it('draws exactly one random number per token, so the stream of numbers stays aligned', () => {
    let calls = 0;
    const rng = seededRandom(3);
    const counting: Rng = () => (calls++, rng());
    for (let i = 0; i < 100; i++) sampleNext(logits, { rng: counting, topK: 10, topP: 0.8, minP: 0.1 });
    expect(calls).toBe(100);
  });

  it('sampleNextWithProbs draws the same token as sampleNext from the same numbers', () => {
    const a = seededRandom(11);
    const b = seededRandom(11);
    for (let i = 0; i < 200; i++) {
      const options = { temperature: 0.9, topK: 50, topP: 0.95 };
      expect(sampleNextWithProbs(logits, { rng: a, ...options }).token).toBe(
        sampleNext(logits, { rng: b, ...options }),
      );
    }
  });
});

describe('sampleNext filters', () => {
  it('top-k never returns a token outside the top k, and samples them in proportion', () => {
    const logits = gaussianLogits(100, 1);
    const topK = 5;
    const probs = reference(logits, { topK });
    expect(probs.size).toBe(topK);
    const rng = seededRandom('top-k');
    const counts = countDraws(100, draws, () => sampleNext(logits, { rng, topK }));
    counts.forEach((count, id) => {
      if (!probs.has(id)) expect(count, `token ${id} is not in the top ${topK}`).toBe(0);
    });
    const { statistic, critical } = chiSquare(counts, probs);
    expect(statistic).toBeLessThan(critical);
  });

  it('top-k keeps exactly k tokens when logits tie at the cut, preferring lower ids', () => {
    const rng = seededRandom('ties');
    const counts = countDraws(6, 10_000, () => sampleNext(new Float32Array(6), { rng, topK: 2 }));
    expect([...counts.slice(2)]).toEqual([0, 0, 0, 0]);
    expect(Math.min(counts[0]!, counts[1]!)).toBeGreaterThan(4500);
    expect(sampleNext(Float32Array.of(1, 2, 3), { rng, topK: 1 })).toBe(2);
    expect(sampleNextWithProbs(Float32Array.of(1, 2, 3), { rng, topK: 99 }).candidates).toBe(3); // k > V keeps all
  });

  it('top-p keeps the smallest prefix of most probable tokens whose mass reaches p', () => {
    // probabilities 0.4, 0.3, 0.2, 0.1 in a scrambled order of ids
    const probs = [0.2, 0.4, 0.1, 0.3];
    const logits = Float32Array.from(probs, Math.log);
    const rng = seededRandom('top-p');
    const kept = (topP: number): number[] => {
      const counts = countDraws(4, 4000, () => sampleNext(logits, { rng, topP }));
      return [...counts.keys()].filter((id) => counts[id]! > 0);
    };
    expect(kept(0.01)).toEqual([1]); // always at least the most probable token
    expect(kept(0.39)).toEqual([1]);
    expect(kept(0.41)).toEqual([1, 3]); // 0.4 < 0.41 ≤ 0.4 + 0.3
    expect(kept(0.69)).toEqual([1, 3]);
    expect(kept(0.71)).toEqual([0, 1, 3]);
    expect(kept(0.91)).toEqual([0, 1, 2, 3]);
    expect(kept(1)).toEqual([0, 1, 2, 3]);
    const nucleus = sampleNextWithProbs(logits, { rng, topP: 0.75 });
    expect(nucleus.candidates).toBe(3);
    expect(nucleus.prob).toBeCloseTo(probs[nucleus.token]! / 0.9, 6); // renormalized over the nucleus
  });

  it('min-p drops tokens less probable than minP times the top probability', () => {
    const logits = Float32Array.from([0.05, 0.5, 0.15, 0.3], Math.log);
    const rng = seededRandom('min-p');
    const candidates = (minP: number): number => sampleNextWithProbs(logits, { rng, minP }).candidates;
    expect(candidates(0)).toBe(4);
    expect(candidates(0.09)).toBe(4); // threshold 0.045
    expect(candidates(0.11)).toBe(3); // threshold 0.055 drops 0.05
    expect(candidates(0.31)).toBe(2); // threshold 0.155 drops 0.15
    expect(candidates(0.61)).toBe(1); // threshold 0.305 drops 0.3
    expect(candidates(1)).toBe(1);
    const counts = countDraws(4, 10_000, () => sampleNext(logits, { rng, minP: 0.11 }));
    expect(counts[0]).toBe(0);
  });

  it('compose in the order temperature → top-k → top-p → min-p, matching a naive reference on GPT-2-sized logits', () => {
    const settings: Filters[] = [
      { temperature: 0.8, topK: 200 },
      { temperature: 1.2, topP: 0.9 },
      { topP: 0.5 },
      { temperature: 0.7, minP: 0.05 },
      { topK: 50, topP: 0.8 },
      { temperature: 1.5, topK: 1000, topP: 0.95, minP: 0.02 },
      { temperature: 0.9, topK: 40, minP: 0.2 },
      { topP: 0.3, minP: 0.4 },
    ];
    for (const [i, filters] of settings.entries()) {
      const logits = gaussianLogits(50257, 100 + i, 3);
      const probs = reference(logits, filters);
      const rng = seededRandom(i);
      for (let j = 0; j < 5; j++) {
        const sample = sampleNextWithProbs(logits, { rng, ...filters });
        const label = `${JSON.stringify(filters)}, draw ${j}`;
        expect(sample.candidates, label).toBe(probs.size);
        expect(probs.has(sample.token), label).toBe(true);
        expect(sample.prob, label).toBeCloseTo(probs.get(sample.token)!, 9);
        expect(sample.entropy, label).toBeCloseTo(entropy([...probs.values()]), 9);
      }
    }
  });

  it('combined filters sample the surviving tokens in proportion (chi-square)', () => {
    const logits = gaussianLogits(40, 5, 1.5);
    const filters = { temperature: 0.9, topK: 20, topP: 0.85, minP: 0.08 };
    const probs = reference(logits, filters);
    expect(probs.size).toBeGreaterThan(4);
    expect(probs.size).toBeLessThan(20);
    const rng = seededRandom('combined');
    const counts = countDraws(40, draws / 2, () => sampleNext(logits, { rng, ...filters }));
    const { statistic, critical } = chiSquare(counts, probs);
    expect(statistic).toBeLessThan(critical);
  });
});

describe('sampleNextWithProbs', () => {
  it('reports the probability and entropy of the distribution it drew from', () => {
    const rng = seededRandom(0);
    expect(sampleNextWithProbs(new Float32Array(4), { rng })).toMatchObject({ prob: 0.25, candidates: 4 });
    expect(sampleNextWithProbs(new Float32Array(4), { rng }).entropy).toBeCloseTo(Math.log(4), 12);
    const topTwo = sampleNextWithProbs(Float32Array.of(0, 0, -1, -1), { rng, topK: 2 });
    expect(topTwo).toMatchObject({ prob: 0.5, candidates: 2 });
    expect(topTwo.entropy).toBeCloseTo(Math.log(2), 12);
  });
});

describe('sampleNext validation', () => {
  const logits = Float32Array.of(0.5, 1, -2);
  const rng = seededRandom(0);
  const cases: [() => unknown, string][] = [
    [() => sampleNext(logits, { rng, temperature: -1 }), 'temperature must be a finite number >= 0, got -1'],
    [
      () => sampleNext(logits, { rng, temperature: Infinity }),
      'temperature must be a finite number >= 0, got Infinity',
    ],
    [() => sampleNext(logits, { rng, temperature: Number.NaN }), 'temperature must be a finite number >= 0, got NaN'],
    [() => sampleNext(logits, { rng, topK: 0 }), 'topK must be an integer >= 1, got 0'],
    [() => sampleNext(logits, { rng, topK: 2.5 }), 'topK must be an integer >= 1, got 2.5'],
    [() => sampleNext(logits, { rng, topK: -3 }), 'topK must be an integer >= 1, got -3'],
    [() => sampleNext(logits, { rng, topP: 0 }), 'topP must be in (0, 1], got 0'],
    [() => sampleNext(logits, { rng, topP: 1.5 }), 'topP must be in (0, 1], got 1.5'],
    [() => sampleNext(logits, { rng, topP: Number.NaN }), 'topP must be in (0, 1], got NaN'],
    [() => sampleNext(logits, { rng, minP: -0.1 }), 'minP must be in [0, 1], got -0.1'],
    [() => sampleNext(logits, { rng, minP: 2 }), 'minP must be in [0, 1], got 2'],
    [() => sampleNext(Float32Array.of(0, Number.NaN), { rng }), 'logits[1] is NaN'],
    [() => sampleNext(Float32Array.of(0, Infinity), { rng }), 'logits[1] is +Infinity'],
    [() => sampleNext(new Float32Array(0), { rng }), 'logits are empty: there is no token to choose'],
    [
      () => sampleNext(logits, {} as SampleOptions),
      'options.rng must be a function returning uniform random numbers in [0, 1)',
    ],
    [() => sampleNext(logits, { rng: () => 1 }), 'rng() must return a number in [0, 1), got 1'],
    [() => sampleNext(logits, { rng: () => Number.NaN, topK: 2 }), 'rng() must return a number in [0, 1), got NaN'],
  ];
  for (const [fn, message] of cases) {
    it(`throws "${message}"`, () => {
      expect(fn).toThrow(SamplerError);
      expect(fn).toThrow(message);
    });
  }
});

describe('sampleNext on a view', () => {
  it('samples a row of a (B, V) logits array through subarray, as from a copy of that row, and leaves the array as it was', () => {
    const V = 50;
    const batch = Float32Array.from({ length: 3 * V }, (_, i) => Math.sin(i * 1.7) * 4);
    const before = batch.slice();
    for (const filters of [{ temperature: 0 }, { temperature: 0.8, topK: 10 }, { temperature: 1, topP: 0.9 }, {}]) {
      for (let row = 0; row < 3; row++) {
        const view = batch.subarray(row * V, (row + 1) * V);
        const a = seededRandom(row + 1);
        const b = seededRandom(row + 1);
        for (let n = 0; n < 20; n++) {
          expect(sampleNext(view, { ...filters, rng: a })).toBe(sampleNext(view.slice(), { ...filters, rng: b }));
        }
      }
    }
    expect(batch).toEqual(before);
  });
});

// Tests of softmax with temperature (values, stability, limits T → 0 and T → ∞), argmax and entropy.
import { describe, expect, it } from 'vitest';
import { SamplerError } from './sampler-error.js';
import { argmax, entropy, softmax } from './softmax.js';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);

/** softmax(x / T) written the textbook way, in float64 (overflows for large logits). */
function naiveSoftmax(logits: readonly number[], temperature = 1): number[] {
  const exps = logits.map((l) => Math.exp(l / temperature));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-7): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) =>
    expect(Math.abs(actual[i]! - e), `index ${i}: ${actual[i]} vs ${e}`).toBeLessThan(tolerance),
  );
}

describe('softmax', () => {
  it('matches the textbook formula: softmax([1, 2, 3]) = [0.0900306, 0.2447285, 0.6652410]', () => {
    const probs = softmax(f32(1, 2, 3));
    expect(probs).toBeInstanceOf(Float32Array);
    expectClose(probs, [0.09003057, 0.24472847, 0.66524096]);
    expectClose(softmax(f32(-1.5, 0.25, 2, 0.5, -3)), naiveSoftmax([-1.5, 0.25, 2, 0.5, -3]));
  });

  it('divides the logits by the temperature', () => {
    const logits = [0.3, -1.2, 2.5, 1.1];
    for (const T of [0.25, 0.8, 2, 7.5]) expectClose(softmax(f32(...logits), T), naiveSoftmax(logits, T));
  });

  it('is numerically stable: huge logits give the same probabilities as small ones, where the textbook formula gives NaN', () => {
    expect(naiveSoftmax([1000, 1001, 1002]).every(Number.isNaN)).toBe(true);
    expectClose(softmax(f32(1000, 1001, 1002)), naiveSoftmax([0, 1, 2]));
    expectClose(softmax(f32(-1000, -1001, -1002)), naiveSoftmax([0, -1, -2]));
    expectClose(softmax(f32(3e38, -3e38)), [1, 0]);
  });

  it('gives -Infinity logits (masked tokens) probability 0', () => {
    expectClose(softmax(f32(0, -Infinity, 0)), [0.5, 0, 0.5]);
  });

  it('at temperature 0 puts all mass on the argmax, lowest index on ties, without dividing by zero', () => {
    expect([...softmax(f32(0.5, 2, -1, 2), 0)]).toEqual([0, 1, 0, 0]);
    expect([...softmax(f32(-Infinity, -5), 0)]).toEqual([0, 1]);
    expect([...softmax(f32(1, 3, 2), 1e-30)]).toEqual([0, 1, 0]); // the limit T → 0⁺ agrees
  });

  it('flattens as the temperature rises and approaches uniform as T → ∞', () => {
    const logits = f32(4, -2, 0.5, 1, 3, -7, 0, 2);
    const entropies = [0.1, 0.5, 1, 2, 10, 100].map((T) => entropy(softmax(logits, T)));
    for (let i = 1; i < entropies.length; i++) expect(entropies[i]).toBeGreaterThan(entropies[i - 1]!);
    const hot = softmax(logits, 1e6);
    for (const p of hot) expect(Math.abs(p - 1 / 8)).toBeLessThan(1e-5);
    expect(Math.log(8) - entropy(hot)).toBeLessThan(1e-9);
  });

  it('sums to 1 over a GPT-2-sized vocabulary', () => {
    const logits = Float32Array.from({ length: 50257 }, (_, i) => Math.sin(i * 0.37) * 8);
    let total = 0;
    for (const p of softmax(logits, 0.9)) total += p;
    expect(Math.abs(total - 1)).toBeLessThan(1e-4);
  });

  it('rejects bad temperatures and bad logits with one clear SamplerError', () => {
    const cases: [() => unknown, string][] = [
      [() => softmax(f32(1, 2), -0.5), 'temperature must be a finite number >= 0, got -0.5'],
      [() => softmax(f32(1, 2), Number.NaN), 'temperature must be a finite number >= 0, got NaN'],
      [() => softmax(f32(1, 2), Infinity), 'temperature must be a finite number >= 0, got Infinity'],
      [() => softmax(f32(1, Number.NaN, 2)), 'logits[1] is NaN'],
      [() => softmax(f32(Number.NaN)), 'logits[0] is NaN'],
      [() => softmax(f32(1, Infinity)), 'logits[1] is +Infinity'],
      [() => softmax(f32()), 'logits are empty: there is no token to choose'],
      [() => softmax(f32(-Infinity, -Infinity)), 'every logit is -Infinity: there is no token to choose'],
    ];
    for (const [fn, message] of cases) {
      expect(fn, message).toThrow(SamplerError);
      expect(fn).toThrow(message);
    }
  });
});

describe('argmax', () => {
  it('returns the index of the largest logit, the lowest on ties', () => {
    expect(argmax(f32(0.1, 0.7, 0.3))).toBe(1);
    expect(argmax(f32(2, 5, 5, 1, 5))).toBe(1);
    expect(argmax(f32(-Infinity, -3, -Infinity))).toBe(1);
    expect(() => argmax(f32(0, Number.NaN))).toThrow('logits[1] is NaN');
  });
});

describe('entropy', () => {
  it('is ln V for a uniform distribution and 0 for a certain one', () => {
    expect(entropy(softmax(new Float32Array(65)))).toBeCloseTo(Math.log(65), 6);
    expect(entropy([0, 1, 0])).toBe(0);
    expect(entropy([0.5, 0.25, 0.25])).toBeCloseTo(1.5 * Math.log(2), 12);
  });
});

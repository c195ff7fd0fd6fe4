// Tests that seededRandom is uniform on [0, 1), repeatable for a seed, and different across seeds.
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, pinned to these values', () => {
    const a = seededRandom(1337);
    const b = seededRandom('1337'); // a number seed is its decimal string
    const first = [a(), a(), a()];
    expect(first).toEqual([0.20678542676298772, 0.4534605798458946, 0.4930002174418554]);
    expect([b(), b(), b()]).toEqual(first);
    const c = seededRandom(1337);
    const d = seededRandom(1337);
    expect(Array.from({ length: 1000 }, c)).toEqual(Array.from({ length: 1000 }, d));
  });

  it('gives different sequences for different seeds', () => {
    const a = seededRandom(1);
    const b = seededRandom(2);
    expect(Array.from({ length: 10 }, a)).not.toEqual(Array.from({ length: 10 }, b));
  });

  it('is uniform on [0, 1): every value in range, each tenth of it drawn 10% of the time', () => {
    const rng = seededRandom('uniform');
    const draws = 100_000;
    const bins = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < draws; i++) {
      const u = rng();
      if (u >= 0 && u < 1) bins[Math.floor(u * 10)]!++;
      else outside++;
    }
    expect(outside).toBe(0);
    // chi-square with 9 degrees of freedom; 27.88 is its 0.999 quantile
    const statistic = bins.reduce((sum, count) => sum + (count - draws / 10) ** 2 / (draws / 10), 0);
    expect(statistic).toBeLessThan(27.88);
  });

  it('fills all 53 bits of a double, not only the 32 of a single Alea step', () => {
    const rng = seededRandom('bits');
    const fractional = Array.from({ length: 100 }, () => (rng() * 2 ** 32) % 1);
    expect(fractional.some((f) => f !== 0)).toBe(true);
  });
});

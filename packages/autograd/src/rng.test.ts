// Tests of the Rng: determinism, ranges, and exact state round-trips including the Box–Muller spare.

import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('same seed ⇒ same sequence; different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 10 }, () => a.random());
    expect(Array.from({ length: 10 }, () => b.random())).toEqual(sa);
    expect(Array.from({ length: 10 }, () => c.random())).not.toEqual(sa);
    expect(new Rng('42').random()).toBe(new Rng(42).random());
  });

  it('random() is in [0, 1) and int(n) in [0, n)', () => {
    const r = new Rng(1);
    for (let i = 0; i < 1000; i++) {
      const u = r.random();
      expect(u >= 0 && u < 1).toBe(true);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    expect(() => r.int(0)).toThrow(/positive integer/);
  });

  it('normal() has mean ≈ 0 and variance ≈ 1', () => {
    const r = new Rng(2);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.03);
  });

  it('state()/fromState() continue the sequence bit for bit, spare normal included', () => {
    const r = new Rng(3);
    r.random();
    r.normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(r.state())) as ReturnType<Rng['state']>;
    expect(saved.spare).not.toBeNull();
    const restored = Rng.fromState(saved);
    const draw = (g: Rng) => [g.normal(), g.normal(), g.random(), g.int(1000), g.normal()];
    expect(draw(restored)).toEqual(draw(r));
  });
});

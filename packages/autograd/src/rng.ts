// The seeded random number generator behind every random choice: seedrandom's Alea, with exact saved state.

import seedrandom from 'seedrandom';

/** Everything needed to resume an `Rng` bit for bit; plain JSON. */
export interface RngState {
  /** Alea's internal state. */
  readonly alea: { c: number; s0: number; s1: number; s2: number };
  /** The second Box–Muller value not handed out yet, or null. */
  readonly spare: number | null;
}

/**
 * A seeded generator: same seed ⇒ same sequence, and `state()`/`fromState()` resume it exactly.
 * @example
 * const rng = new Rng(1337);
 * const x = rng.normal(); // standard normal
 */
export class Rng {
  private prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;
  private spare: number | null = null;

  constructor(seed: number | string) {
    this.prng = seedrandom.alea(String(seed), { state: true });
  }

  /** Uniform in [0, 1), 32 bits of randomness. */
  random(): number {
    return this.prng();
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.prng(); // log(0) would be −∞
    const v = this.prng();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int(n) needs a positive integer n, got ${n}`);
    return Math.floor(this.prng() * n);
  }

  /** The generator's exact state. */
  state(): RngState {
    const { c, s0, s1, s2 } = this.prng.state();
    return { alea: { c: c, s0: s0, s1: s1, s2: s2 }, spare: this.spare };
  }

  /** A generator that continues exactly where the one that produced `state` stood. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.prng = seedrandom.alea('', { state: { ...state.alea } });
    rng.spare = state.spare;
    return rng;
  }
}

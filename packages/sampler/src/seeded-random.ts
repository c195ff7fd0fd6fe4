// A seeded uniform random number generator (seedrandom's Alea) for sampling, so the same seed gives the same text.
import seedrandom from 'seedrandom';
import type { Rng } from './sample-next.js';

/**
 * A generator of uniform numbers in [0, 1) with 53 random bits each, from seedrandom's Alea
 * algorithm seeded with `seed`: the same seed always gives the same sequence. Any other seeded
 * generator can be passed to `sampleNext` instead.
 *
 * @example
 * const rng = seededRandom(1337);
 * sampleNext(logits, { rng, temperature: 0.8 });
 */
export function seededRandom(seed: string | number): Rng {
  const alea = seedrandom.alea(String(seed));
  return () => alea.double();
}

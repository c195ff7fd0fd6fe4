// Timing helpers of the backend's benches: run a function for a while, and race contenders in interleaved rounds.

/** Calls `fn` for about `ms` milliseconds; returns milliseconds per call. */
export function timeBlock(fn: () => void, ms: number): number {
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    fn();
    reps++;
    t = performance.now();
  } while (t - t0 < ms);
  return (t - t0) / reps;
}

/**
 * Interleaves the contenders over `rounds` rounds of about `ms` each; keeps each one's best round.
 * Every other round runs them in reverse order, so none always meets the moment after another.
 */
export function race(contenders: Record<string, () => void>, rounds: number, ms: number): Record<string, number> {
  const best: Record<string, number> = {};
  const entries = Object.entries(contenders);
  for (const [, fn] of entries) timeBlock(fn, ms / 2); // warm up: compile, tier up, fill caches
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of r % 2 === 0 ? entries : [...entries].reverse())
      best[name] = Math.min(best[name] ?? Infinity, timeBlock(fn, ms));
  }
  return best;
}

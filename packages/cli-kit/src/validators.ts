// Ready-made checks for numeric config values, to pass as a ConfigSpec's `validate` entries.

/**
 * A whole number ≥ `min` that is also a safe integer: above 2⁵³ − 1, counts lose their units
 * (1e20 + 1 === 1e20), so `--max-iters 1e20` is refused with the limit named.
 */
const count =
  (min: number, what: string) =>
  (value: number): string | undefined =>
    Number.isSafeInteger(value) && value >= min
      ? undefined
      : Number.isInteger(value) && value >= min
        ? `${what} no larger than ${Number.MAX_SAFE_INTEGER}`
        : what;

/** A whole number (… -1, 0, 1 …), within ±(2⁵³ − 1). */
export const isInteger = count(-Number.MAX_SAFE_INTEGER, 'an integer');

/** A whole number ≥ 1: layer counts, batch sizes, iterations. */
export const isPositiveInteger = count(1, 'a positive integer');

/** A whole number ≥ 0: warmup steps, intervals that may be off. */
export const isNonNegativeInteger = count(0, 'an integer ≥ 0');

/** A number > 0: learning rates, temperatures. */
export const isPositive = (value: number): string | undefined => (value > 0 ? undefined : 'a number > 0');

/** A number ≥ 0: weight decay, gradient clipping (0 = off). */
export const isNonNegative = (value: number): string | undefined => (value >= 0 ? undefined : 'a number ≥ 0');

/**
 * A number in `[min, max]`, or `[min, max)` when `maxExclusive` (dropout must stay below 1).
 *
 * @example
 * validate: { dropout: inRange(0, 1, { maxExclusive: true }) } // "--dropout expects a number in [0, 1), got 1"
 */
export function inRange(
  min: number,
  max: number,
  { maxExclusive = false } = {},
): (value: number) => string | undefined {
  return (value) =>
    value >= min && (maxExclusive ? value < max : value <= max)
      ? undefined
      : `a number in [${min}, ${max}${maxExclusive ? ')' : ']'}`;
}

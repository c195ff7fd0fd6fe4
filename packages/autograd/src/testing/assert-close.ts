// Elementwise comparison of numeric arrays with absolute and relative tolerance, reporting the worst element.

/** Tolerances of `assertClose`: |actual − expected| ≤ atol + rtol·|expected| for every element. */
export interface CloseOptions {
  atol?: number;
  rtol?: number;
  /** Prefix for the error message. */
  message?: string;
}

/**
 * Throws unless every element satisfies |actual − expected| ≤ atol + rtol·|expected|
 * (defaults atol 1e-5, rtol 1e-4); NaN matches only NaN and infinities only themselves.
 * The error names the worst element, its index and both values.
 * @example assertClose(y.toArray(), [0.0900, 0.2447, 0.6652], { atol: 1e-4 });
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): void {
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-4;
  const prefix = opts.message ? `${opts.message}: ` : '';
  if (actual.length !== expected.length) {
    throw new Error(`${prefix}length ${actual.length} differs from expected length ${expected.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    let excess: number;
    if (Number.isNaN(a) || Number.isNaN(e)) excess = Number.isNaN(a) && Number.isNaN(e) ? 0 : Infinity;
    else if (!Number.isFinite(a) || !Number.isFinite(e)) excess = a === e ? 0 : Infinity;
    else excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > 0) {
      bad++;
      if (worst < 0 || excess > worstExcess) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${prefix}${bad} of ${actual.length} elements differ (atol ${atol}, rtol ${rtol}); worst at index ${worst}: ` +
        `actual ${actual[worst]}, expected ${expected[worst]}`,
    );
  }
}

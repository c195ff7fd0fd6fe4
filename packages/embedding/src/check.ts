// Argument checks shared by the embedding layers, so a bad config fails with one clear message.

/** Throws a RangeError unless `value` is an integer ≥ 1. */
export function positiveInt(value: number, name: string, where: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${where}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

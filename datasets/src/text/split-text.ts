// Splits a corpus into training and validation text the way nanoGPT's prepare.py does: the first 90 % trains.

/**
 * Splits `text` at `floor(n * trainFraction)` characters (code points), as nanoGPT's
 * `data[:int(n*0.9)]` / `data[int(n*0.9):]`: the first part trains, the rest validates. The split
 * is contiguous, not shuffled, so validation text is unseen prose rather than interleaved lines.
 *
 * @example
 * const { train, val } = splitText(shakespeare); // 1,003,854 and 111,540 characters
 */
export function splitText(text: string, trainFraction = 0.9): { train: string; val: string } {
  if (!(trainFraction > 0 && trainFraction < 1)) {
    throw new RangeError(`trainFraction must be between 0 and 1 (exclusive), got ${trainFraction}`);
  }
  // Index by code points so an astral character is never cut in half.
  if (!/[\uD800-\uDFFF]/.test(text)) {
    const cut = Math.floor(text.length * trainFraction);
    return { train: text.slice(0, cut), val: text.slice(cut) };
  }
  const chars = Array.from(text);
  const cut = Math.floor(chars.length * trainFraction);
  return { train: chars.slice(0, cut).join(''), val: chars.slice(cut).join('') };
}

// Encodes a whole corpus with a run's tokenizer in pieces, reporting progress, with exactly the ids of encoding it in one call.
import type { Tokenizer } from '@tinygpt/tokenizer';

/** Characters per piece: GPT-2's BPE encodes about 2 MB/s here, so a piece is a few tens of ms. */
const PIECE = 1 << 16;

/**
 * Where `text` may be cut without changing GPT-2's tokens: just after a newline that has a
 * non-space character on both sides. GPT-2's pre-tokenizer never joins a newline to the letter
 * after it, and a lone newline after a non-space is its own piece either way, so encoding the
 * parts and concatenating gives the ids of the whole (tested against a whole-text encode).
 */
export function safeCuts(text: string, piece = PIECE): number[] {
  const cuts: number[] = [];
  let from = piece;
  while (from < text.length) {
    let i = text.indexOf('\n', from);
    while (i !== -1 && !(i > 0 && /\S/.test(text[i - 1]!) && i + 1 < text.length && /\S/.test(text[i + 1]!))) {
      i = text.indexOf('\n', i + 1);
    }
    if (i === -1) break;
    cuts.push(i + 1);
    from = i + 1 + piece;
  }
  return cuts;
}

/**
 * `tokenizer.encode(text)` (special-token text encoded as ordinary text), computed in pieces cut
 * at {@link safeCuts} so that `onProgress(charactersDone, charactersTotal)` can report a long
 * encode, and the event loop gets a turn between pieces (Ctrl-C stays responsive). `piece` is
 * the least number of characters per piece.
 *
 * @example
 * const ids = await encodeCorpus(await BpeTokenizer.load(), text, (done, total) => bar.update(done));
 */
export async function encodeCorpus(
  tokenizer: Tokenizer,
  text: string,
  onProgress?: (done: number, total: number) => void,
  piece = PIECE,
): Promise<Int32Array> {
  if (tokenizer.toJSON().type === 'char') return tokenizer.encode(text); // one id per character: fast, no cuts needed
  const bounds = [0, ...safeCuts(text, piece), text.length];
  const parts: Int32Array[] = [];
  let length = 0;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const part = tokenizer.encode(text.slice(bounds[k], bounds[k + 1]));
    parts.push(part);
    length += part.length;
    onProgress?.(bounds[k + 1]!, text.length);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const ids = new Int32Array(length);
  let offset = 0;
  for (const part of parts) {
    ids.set(part, offset);
    offset += part.length;
  }
  return ids;
}

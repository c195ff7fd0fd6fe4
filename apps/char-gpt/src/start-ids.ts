// The default prompt of sampling: nanoGPT's "\n", in whichever vocabulary the model has.
import { TokenizerError } from '@tinygpt/tokenizer';
import type { Tokenizer } from '@tinygpt/tokenizer';

/**
 * The ids of nanoGPT's default prompt `"\n"`; for a character vocabulary without a newline, the
 * first character's id.
 *
 * @example
 * startIds(await BpeTokenizer.load()); // Int32Array [198]
 */
export function startIds(tokenizer: Tokenizer): Int32Array {
  try {
    return tokenizer.encode('\n');
  } catch (err) {
    if (err instanceof TokenizerError) return Int32Array.of(0);
    throw err;
  }
}

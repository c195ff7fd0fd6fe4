// Rebuilds whichever tokenizer a checkpoint stored, from its JSON form.
import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import { isRecord, TokenizerError, type Tokenizer } from './tokenizer.js';

/**
 * The tokenizer `json` describes: the output of any tokenizer's `toJSON()`, as an object or as JSON
 * text. Unknown types and corrupt vocabularies are a {@link TokenizerError}. Asynchronous because
 * GPT-2's encoding is loaded on first use.
 *
 * @example
 * const tokenizer = await tokenizerFromJSON(checkpoint.tokenizer); // { type: 'char', chars: [...] }
 */
export async function tokenizerFromJSON(json: unknown): Promise<Tokenizer> {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw new TokenizerError('tokenizer JSON is not valid JSON');
    }
  }
  if (!isRecord(value)) throw new TokenizerError('tokenizer JSON must be an object with a "type"');
  switch (value.type) {
    case 'char':
      return CharTokenizer.fromJSON(value);
    case 'gpt2':
      return BpeTokenizer.fromJSON(value);
    default:
      throw new TokenizerError(`unknown tokenizer type ${JSON.stringify(value.type)} (known types: "char", "gpt2")`);
  }
}

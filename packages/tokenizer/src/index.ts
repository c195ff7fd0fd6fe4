// Text to token ids and back: character-level and GPT-2 byte-pair encoding behind one Tokenizer interface.
export {
  TokenizerError,
  type CharTokenizerJson,
  type EncodeOptions,
  type Gpt2TokenizerJson,
  type Tokenizer,
  type TokenizerJson,
  type TokenStreamDecoder,
  type UnknownCharacters,
} from './tokenizer.js';
export { CharTokenizer } from './char-tokenizer.js';
export { BpeTokenizer, END_OF_TEXT } from './bpe-tokenizer.js';
export { tokenizerFromJSON } from './tokenizer-from-json.js';

// The contract every tokenizer meets: text to token ids and back, streamed decoding, and a JSON form.

/**
 * What to do with a character the vocabulary does not contain:
 * - `'error'` (the default): throw a {@link TokenizerError} naming the character and its position;
 * - `'skip'`: leave it out;
 * - `{ replaceWith }`: encode this vocabulary character in its place.
 *
 * Only character vocabularies can meet unknown characters; GPT-2's byte-level BPE encodes any text.
 */
export type UnknownCharacters = 'error' | 'skip' | { readonly replaceWith: string };

/** Options of {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /**
   * Special tokens (such as `'<|endoftext|>'`) whose literal text is encoded as the special token;
   * `'all'` allows every special token of the vocabulary. By default none is: their text is encoded
   * like any other text, so a document that merely mentions `<|endoftext|>` cannot end itself.
   * Naming a special token the vocabulary does not have is an error.
   */
  readonly allowedSpecial?: 'all' | readonly string[];
  /** What to do with characters outside a character vocabulary (default `'error'`). */
  readonly unknown?: UnknownCharacters;
}

/**
 * Decodes a stream of token ids one at a time, returning the text each id completes. A GPT-2 token
 * can hold part of a multi-byte character; its bytes wait until the character is complete, so the
 * concatenated pieces always equal `decode` of the whole sequence.
 *
 * @example
 * const stream = tokenizer.streamDecoder();
 * for (const id of ids) process.stdout.write(stream.write(id));
 * process.stdout.write(stream.end());
 */
export interface TokenStreamDecoder {
  /** Adds one token id; returns the text that became complete (possibly `''`). */
  write(id: number): string;
  /** Ends the stream; returns what is left, with U+FFFD for an unfinished character. */
  end(): string;
}

/** The JSON form of a character-level vocabulary: its characters in id order (nanoGPT's `itos`). */
export interface CharTokenizerJson {
  readonly type: 'char';
  readonly chars: readonly string[];
}

/** The JSON form of GPT-2's byte-pair encoding, which is fixed and so needs no data. */
export interface Gpt2TokenizerJson {
  readonly type: 'gpt2';
}

/** What `toJSON()` returns: enough to rebuild the tokenizer with `tokenizerFromJSON`. */
export type TokenizerJson = CharTokenizerJson | Gpt2TokenizerJson;

/**
 * Converts text to token ids and back. Implementations: `CharTokenizer` (one id per Unicode code
 * point) and `BpeTokenizer` (GPT-2's byte-pair encoding). Each class also has a static `fromJSON`.
 *
 * @example
 * const ids = tokenizer.encode('hello'); // Int32Array of ids in [0, vocabSize)
 * tokenizer.decode(ids); // 'hello'
 */
export interface Tokenizer {
  /** Number of distinct token ids; every id is in `[0, vocabSize)`. */
  readonly vocabSize: number;
  /** Id of the end-of-text token, or `null` when the vocabulary has none. */
  readonly eotToken: number | null;
  /** Special token text → id (empty for a character vocabulary). */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** Encodes `text` as token ids, shape `[n]`. */
  encode(text: string, options?: EncodeOptions): Int32Array;
  /** Decodes token ids back to text; an id outside `[0, vocabSize)` is an error. */
  decode(ids: ArrayLike<number>): string;
  /**
   * The UTF-8 bytes the ids stand for, which `decode` reads as text. Byte counts give
   * tokenizer-independent measures such as bits per byte.
   */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** A decoder that turns ids into text one at a time (see {@link TokenStreamDecoder}). */
  streamDecoder(): TokenStreamDecoder;
  /** The JSON form a checkpoint stores; `tokenizerFromJSON` rebuilds the tokenizer from it. */
  toJSON(): TokenizerJson;
}

/**
 * The error every tokenizer throws for bad input (unknown characters, out-of-range ids, corrupt
 * JSON). Its message is one line, fit to print as is.
 */
export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';
}

/** Whether `value` is a JSON object (not an array or null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws unless every id is an integer in `[0, vocabSize)`. */
export function checkIds(ids: ArrayLike<number>, vocabSize: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new TokenizerError(`token id ${id} at position ${i} is outside the vocabulary [0, ${vocabSize})`);
    }
  }
}

/** The special tokens `options.allowedSpecial` names, checked against the vocabulary's. */
export function allowedSpecialTokens(
  options: EncodeOptions | undefined,
  specialTokens: ReadonlyMap<string, number>,
): Set<string> {
  const allowed = options?.allowedSpecial;
  if (allowed === undefined) return new Set();
  if (allowed === 'all') return new Set(specialTokens.keys());
  for (const token of allowed) {
    if (!specialTokens.has(token)) {
      const known = [...specialTokens.keys()].join(', ') || 'none';
      throw new TokenizerError(`'${token}' is not a special token of this vocabulary (it has: ${known})`);
    }
  }
  return new Set(allowed);
}

/** Escapes for the invisible characters an error message most often meets. */
const escapes: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `'é' (U+00E9)`, `'\n' (U+000A)` or `U+200B`: a character as a one-line error message shows it. */
export function describeCharacter(char: string): string {
  const hex = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const shown = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char) ? char : escapes[char];
  return shown === undefined ? hex : `'${shown}' (${hex})`;
}

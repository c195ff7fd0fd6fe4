// A character-level tokenizer: one id per Unicode code point, as nanoGPT's shakespeare_char prepare.py builds it.
import {
  allowedSpecialTokens,
  checkIds,
  describeCharacter,
  isRecord,
  TokenizerError,
  type CharTokenizerJson,
  type EncodeOptions,
  type Tokenizer,
  type TokenStreamDecoder,
} from './tokenizer.js';

const noSpecialTokens: ReadonlyMap<string, number> = new Map();

/** Whether typed arrays are little-endian here (as on every common CPU), so UTF-16LE decoding reads them as is. */
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The code points of `text` in order, as `for…of` yields them (an unpaired surrogate counts as one). */
function codePointsOf(text: string): Uint32Array {
  const codes = new Uint32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    codes[n++] = code;
  }
  return codes.subarray(0, n);
}

/**
 * Maps each character of a fixed vocabulary to its index in that vocabulary. A character is a
 * Unicode code point, not a UTF-16 unit, so CJK text and emoji round-trip.
 *
 * @example
 * const tok = CharTokenizer.fromText('hello world');
 * tok.chars; // [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
 * tok.encode('hold'); // Int32Array [3, 5, 4, 1]
 * tok.decode([3, 2, 4, 4, 5]); // 'hello'
 */
export class CharTokenizer implements Tokenizer {
  /** The vocabulary in id order: `chars[id]` is the character of token `id` (nanoGPT's `itos`). */
  readonly chars: readonly string[];
  readonly vocabSize: number;
  readonly eotToken = null;
  readonly specialTokens = noSpecialTokens;
  /** Id of each code point below `bmpIds.length`, or -1; sized to the largest such code point in the vocabulary. */
  private readonly bmpIds: Int32Array;
  /** Id of each code point above U+FFFF (emoji, rare CJK). */
  private readonly astralIds = new Map<number, number>();
  /** UTF-16 units of each id's character: `units[2 * id]`, then `units[2 * id + 1]` if it is a surrogate pair (else 0). */
  private readonly units: Uint16Array;
  /** Whether a vocabulary entry is an unpaired surrogate, which a UTF-16 decoder would turn into U+FFFD. */
  private readonly hasLoneSurrogate: boolean;

  /**
   * A tokenizer over `chars`, in the given id order. Each entry must be one code point, and none may
   * repeat; `CharTokenizer.fromText` builds the sorted vocabulary of a corpus.
   */
  constructor(chars: readonly string[]) {
    if (!Array.isArray(chars)) throw new TokenizerError('a character vocabulary must be an array of characters');
    if (chars.length === 0) throw new TokenizerError('a character vocabulary needs at least one character');
    const codePoints = chars.map((char: unknown, id) => {
      if (typeof char !== 'string' || char.length === 0 || String.fromCodePoint(char.codePointAt(0)!) !== char) {
        throw new TokenizerError(`vocabulary entry ${id} must be a single character, got ${JSON.stringify(char)}`);
      }
      return char.codePointAt(0)!;
    });
    const maxBmp = codePoints.reduce((max, code) => (code <= 0xffff && code > max ? code : max), -1);
    this.bmpIds = new Int32Array(maxBmp + 1).fill(-1);
    codePoints.forEach((code, id) => {
      const first = this.idOf(code);
      if (first >= 0) {
        throw new TokenizerError(`vocabulary entries ${first} and ${id} are both ${describeCharacter(chars[id])}`);
      }
      if (code <= 0xffff) this.bmpIds[code] = id;
      else this.astralIds.set(code, id);
    });
    this.chars = Object.freeze([...chars]);
    this.vocabSize = chars.length;
    this.units = new Uint16Array(2 * chars.length);
    chars.forEach((char, id) =>
      this.units.set([char.charCodeAt(0), char.length === 2 ? char.charCodeAt(1) : 0], 2 * id),
    );
    this.hasLoneSurrogate = codePoints.some((code) => code >= 0xd800 && code <= 0xdfff);
  }

  /**
   * The vocabulary of a corpus: its distinct characters sorted by code point, exactly as nanoGPT's
   * `sorted(list(set(data)))` orders them (JavaScript's default string sort, by UTF-16 unit, would
   * put emoji before U+E000–U+FFFF).
   */
  static fromText(text: string): CharTokenizer {
    if (text.length === 0) throw new TokenizerError('cannot build a character vocabulary from empty text');
    const seen = new Uint8Array(0x110000); // one flag per Unicode code point; reading it in order sorts
    for (const code of codePointsOf(text)) seen[code] = 1;
    const chars: string[] = [];
    for (let code = 0; code < seen.length; code++) if (seen[code]) chars.push(String.fromCodePoint(code));
    return new CharTokenizer(chars);
  }

  /** Rebuilds a tokenizer from `toJSON()`'s output, `{ type: 'char', chars: [...] }`. */
  static fromJSON(json: unknown): CharTokenizer {
    if (!isRecord(json) || json.type !== 'char') {
      throw new TokenizerError('expected a character tokenizer\'s JSON, { "type": "char", "chars": [...] }');
    }
    if (!Array.isArray(json.chars)) throw new TokenizerError('character tokenizer JSON: "chars" must be an array');
    return new CharTokenizer(json.chars);
  }

  /**
   * Encodes `text` as one id per code point, shape `[number of code points]`. A character outside
   * the vocabulary throws a {@link TokenizerError} giving the character and its position (counted
   * in code points from 0), unless `options.unknown` says to skip or replace it.
   */
  encode(text: string, options?: EncodeOptions): Int32Array {
    if (typeof text !== 'string') throw new TokenizerError(`encode expects a string, got ${typeof text}`);
    allowedSpecialTokens(options, this.specialTokens); // a character vocabulary has none to allow
    const unknown = options?.unknown ?? 'error';
    const replacement = typeof unknown === 'object' ? this.replacementId(unknown.replaceWith) : -1;
    const codes = codePointsOf(text);
    const ids = new Int32Array(codes.length);
    let n = 0;
    for (let position = 0; position < codes.length; position++) {
      const id = this.idOf(codes[position]!);
      if (id >= 0) ids[n++] = id;
      else if (replacement >= 0) ids[n++] = replacement;
      else if (unknown !== 'skip') {
        const char = String.fromCodePoint(codes[position]!);
        throw new TokenizerError(
          `character ${describeCharacter(char)} at position ${position} is not in the vocabulary`,
        );
      }
    }
    return n === ids.length ? ids : ids.slice(0, n);
  }

  /** Decodes ids to the string of their characters; an id outside `[0, vocabSize)` is an error. */
  decode(ids: ArrayLike<number>): string {
    checkIds(ids, this.vocabSize);
    if (this.hasLoneSurrogate || !littleEndian) return Array.from(ids, (id) => this.chars[id]).join('');
    // Gather the characters' UTF-16 units and let the platform's decoder build the string at once.
    const { units } = this;
    const text = new Uint16Array(2 * ids.length);
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const at = 2 * ids[i]!;
      text[n++] = units[at]!;
      if (units[at + 1]) text[n++] = units[at + 1]!;
    }
    return new TextDecoder('utf-16le', { ignoreBOM: true }).decode(text.subarray(0, n));
  }

  /** The UTF-8 bytes of `decode(ids)`. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    return new TextEncoder().encode(this.decode(ids));
  }

  /** Decodes ids one at a time; every id is a whole character, so nothing is ever held back. */
  streamDecoder(): TokenStreamDecoder {
    return { write: (id) => this.decode([id]), end: () => '' };
  }

  /** `{ type: 'char', chars }`, the characters in id order. */
  toJSON(): CharTokenizerJson {
    return { type: 'char', chars: [...this.chars] };
  }

  /** Id of the character with code point `code`, or -1 when the vocabulary lacks it. */
  private idOf(code: number): number {
    if (code < this.bmpIds.length) return this.bmpIds[code]!;
    return code > 0xffff ? (this.astralIds.get(code) ?? -1) : -1;
  }

  private replacementId(char: unknown): number {
    const code = typeof char === 'string' ? char.codePointAt(0) : undefined;
    const id = code !== undefined && String.fromCodePoint(code) === char ? this.idOf(code) : -1;
    if (id < 0) {
      throw new TokenizerError(
        `the replacement for unknown characters, ${JSON.stringify(char)}, must be one vocabulary character`,
      );
    }
    return id;
  }
}

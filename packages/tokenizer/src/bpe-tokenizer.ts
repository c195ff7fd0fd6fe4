// GPT-2's byte-pair encoding (Radford et al. 2019; tiktoken's r50k_base) through gpt-tokenizer, loaded on first use.
import type { encode as r50kEncode } from 'gpt-tokenizer/encoding/r50k_base';
import {
  allowedSpecialTokens,
  checkIds,
  isRecord,
  TokenizerError,
  type EncodeOptions,
  type Gpt2TokenizerJson,
  type Tokenizer,
  type TokenStreamDecoder,
} from './tokenizer.js';

/** GPT-2's end-of-text marker, its only special token (id 50256). */
export const END_OF_TEXT = '<|endoftext|>';

/** 50,000 merges + 256 byte tokens + `<|endoftext|>`. */
const gpt2VocabSize = 50257;
const endOfTextId = 50256;

/** What the tokenizer needs from gpt-tokenizer: r50k_base's encoder and its table of token values. */
interface R50kBase {
  readonly encode: typeof r50kEncode;
  /** `ranks[id]`: the token's text, or its bytes when they are not valid UTF-8 on their own. */
  readonly ranks: readonly (string | readonly number[])[];
}

let loading: Promise<R50kBase> | undefined;

/** Imports r50k_base once (about 0.6 MB of JavaScript), on the first `BpeTokenizer.load()`. */
function loadR50kBase(): Promise<R50kBase> {
  loading ??= Promise.all([
    import('gpt-tokenizer/encoding/r50k_base'),
    import('gpt-tokenizer/bpeRanks/r50k_base'),
  ]).then(
    ([encoding, ranks]) => {
      // Fail loudly should a gpt-tokenizer release ever change what this entry point holds.
      if (encoding.vocabularySize !== gpt2VocabSize || ranks.default.length !== endOfTextId) {
        throw new TokenizerError(`gpt-tokenizer's r50k_base is not GPT-2's ${gpt2VocabSize}-token vocabulary`);
      }
      return { encode: encoding.encode, ranks: ranks.default };
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** `text` with the characters that mean something in a regular expression escaped. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Decodes UTF-8 bytes, replacing invalid sequences with U+FFFD (tiktoken's `errors="replace"`) and keeping a leading BOM. */
function utf8Decoder(): TextDecoder {
  return new TextDecoder('utf-8', { ignoreBOM: true });
}

/**
 * GPT-2's byte-pair encoding: 50,257 tokens, `<|endoftext|>` = 50256, ids identical to tiktoken's
 * `gpt2` / `r50k_base` (not gpt-tokenizer's default import, which is a newer encoding). It works on
 * UTF-8 bytes, so every string encodes (no unknown characters) and round-trips, except unpaired
 * surrogates, which are not Unicode and become U+FFFD. Create one with `await BpeTokenizer.load()`.
 *
 * Special tokens are explicit: the text `<|endoftext|>` in a document is encoded as ordinary text,
 * like tiktoken's `encode_ordinary`, unless the call allows it with `allowedSpecial`.
 *
 * @example
 * const gpt2 = await BpeTokenizer.load();
 * gpt2.encode('Hello world'); // Int32Array [15496, 995]
 * gpt2.encode('<|endoftext|>', { allowedSpecial: ['<|endoftext|>'] }); // Int32Array [50256]
 */
export class BpeTokenizer implements Tokenizer {
  readonly vocabSize = gpt2VocabSize;
  readonly eotToken = endOfTextId;
  readonly specialTokens: ReadonlyMap<string, number> = new Map([[END_OF_TEXT, endOfTextId]]);
  private readonly encoding: R50kBase;

  private constructor(encoding: R50kBase) {
    this.encoding = encoding;
  }

  /** Loads the encoding (once per process; later calls share it) and returns a tokenizer. */
  static async load(): Promise<BpeTokenizer> {
    return new BpeTokenizer(await loadR50kBase());
  }

  /** Rebuilds the tokenizer from `toJSON()`'s output, `{ type: 'gpt2' }`. */
  static async fromJSON(json: unknown): Promise<BpeTokenizer> {
    if (!isRecord(json) || json.type !== 'gpt2') {
      throw new TokenizerError('expected a GPT-2 tokenizer\'s JSON, { "type": "gpt2" }');
    }
    return BpeTokenizer.load();
  }

  /** Encodes `text` as GPT-2 token ids, shape `[n]`; see the class notes for special tokens. */
  encode(text: string, options?: EncodeOptions): Int32Array {
    if (typeof text !== 'string') throw new TokenizerError(`encode expects a string, got ${typeof text}`);
    const allowed = allowedSpecialTokens(options, this.specialTokens);
    if (allowed.size === 0) return Int32Array.from(this.encodeOrdinary(text));
    // Split at allowed special tokens and encode the text between them, as tiktoken does. (Left to
    // gpt-tokenizer 4.0.0, an allowed special token is found only at the very start of the text.)
    const pieces: ArrayLike<number>[] = [];
    let start = 0;
    for (const match of text.matchAll(new RegExp([...allowed].map(escapeRegExp).join('|'), 'g'))) {
      pieces.push(this.encodeOrdinary(text.slice(start, match.index)), [this.specialTokens.get(match[0])!]);
      start = match.index + match[0].length;
    }
    pieces.push(this.encodeOrdinary(text.slice(start)));
    const ids = new Int32Array(pieces.reduce((n, piece) => n + piece.length, 0));
    let offset = 0;
    for (const piece of pieces) {
      ids.set(piece, offset);
      offset += piece.length;
    }
    return ids;
  }

  /**
   * Decodes ids to text: their bytes, concatenated, read as UTF-8, with U+FFFD where a character is
   * cut off (as tiktoken's `decode` does). An id outside `[0, 50257)` is an error.
   */
  decode(ids: ArrayLike<number>): string {
    checkIds(ids, this.vocabSize);
    const utf8 = utf8Decoder();
    let text = '';
    let pending: number[] = []; // bytes of consecutive byte-valued tokens, decoded together
    for (let i = 0; i < ids.length; i++) {
      const piece = this.piece(ids[i]!);
      if (typeof piece === 'string') {
        // A text-valued token is whole UTF-8 characters, so it can never complete pending bytes.
        if (pending.length > 0) text += utf8.decode(Uint8Array.from(pending));
        pending = [];
        text += piece;
      } else {
        pending.push(...piece);
      }
    }
    if (pending.length > 0) text += utf8.decode(Uint8Array.from(pending));
    return text;
  }

  /** The bytes of the ids' tokens, concatenated; `decode` reads them as UTF-8. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    checkIds(ids, this.vocabSize);
    const utf8 = new TextEncoder();
    const pieces = Array.from(ids, (id) => {
      const piece = this.piece(id);
      return typeof piece === 'string' ? utf8.encode(piece) : piece;
    });
    const bytes = new Uint8Array(pieces.reduce((n, piece) => n + piece.length, 0));
    let offset = 0;
    for (const piece of pieces) {
      bytes.set(piece, offset);
      offset += piece.length;
    }
    return bytes;
  }

  /** Decodes ids one at a time, holding back the bytes of a character split across tokens. */
  streamDecoder(): TokenStreamDecoder {
    const utf8 = utf8Decoder();
    const bytes = new TextEncoder();
    return {
      write: (id) => {
        checkIds([id], this.vocabSize);
        const piece = this.piece(id);
        return utf8.decode(typeof piece === 'string' ? bytes.encode(piece) : Uint8Array.from(piece), { stream: true });
      },
      end: () => utf8.decode(),
    };
  }

  /** `{ type: 'gpt2' }`: the encoding is fixed, so its name is all a checkpoint needs. */
  toJSON(): Gpt2TokenizerJson {
    return { type: 'gpt2' };
  }

  /** Encodes text in which special tokens are plain text (tiktoken's `encode_ordinary`). */
  private encodeOrdinary(text: string): number[] {
    // An empty disallowed set makes special-token text ordinary text rather than an error.
    return this.encoding.encode(text, { allowedSpecial: new Set(), disallowedSpecial: new Set() });
  }

  /** The text or bytes token `id` stands for. */
  private piece(id: number): string | readonly number[] {
    return id === endOfTextId ? END_OF_TEXT : this.encoding.ranks[id]!;
  }
}

// Tests of the character-level tokenizer: nanoGPT's vocabulary and ids, round-trips, unknown characters, JSON.
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';
import { TokenizerError } from './tokenizer.js';

/** The 65 characters of tiny Shakespeare, in the order nanoGPT's prepare.py gives them ids. */
const shakespeareChars = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The first error `fn` throws (failing the test if it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('CharTokenizer vocabulary', () => {
  it('is the sorted distinct characters of the corpus', () => {
    expect(CharTokenizer.fromText('hello world').chars).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  });

  it("gives nanoGPT's ids: 'hii there' → [46, 47, 47, 1, 58, 46, 43, 56, 43] on tiny Shakespeare's characters", () => {
    const corpus = [...shakespeareChars].reverse().join('').repeat(3); // order and repeats must not matter
    const tok = CharTokenizer.fromText(corpus);
    expect(tok.vocabSize).toBe(65);
    expect(tok.chars.join('')).toBe(shakespeareChars);
    expect([...tok.encode('hii there')]).toEqual([46, 47, 47, 1, 58, 46, 43, 56, 43]);
    expect(tok.decode([46, 47, 47, 1, 58, 46, 43, 56, 43])).toBe('hii there');
  });

  it('sorts by code point like Python, not by UTF-16 unit like Array.prototype.sort', () => {
    // '！' is U+FF01 and '😀' U+1F600, stored as the surrogates D83D DE00, which sort below FF01.
    expect(['😀', '！'].sort()).toEqual(['😀', '！']);
    expect(CharTokenizer.fromText('😀！a😀').chars).toEqual(['a', '！', '😀']);
  });

  it('is deterministic: any order or repetition of the same characters gives the same vocabulary', () => {
    const text = 'To be, or not to be: 生存還是毀滅 🎭\n';
    const shuffled = [...text].reverse().join('') + text;
    expect(JSON.stringify(CharTokenizer.fromText(shuffled))).toBe(JSON.stringify(CharTokenizer.fromText(text)));
  });

  it('counts characters by code point: an emoji is one token, a flag or ZWJ sequence one per code point', () => {
    const tok = CharTokenizer.fromText('😀🇯🇵👩‍💻');
    expect(tok.encode('😀')).toHaveLength(1);
    expect(tok.encode('🇯🇵')).toHaveLength(2); // two regional indicators
    expect(tok.encode('👩‍💻')).toHaveLength(3); // woman, zero-width joiner, laptop
    expect(tok.vocabSize).toBe(6);
  });

  it('rejects empty text and malformed vocabularies', () => {
    expect(() => CharTokenizer.fromText('')).toThrow('cannot build a character vocabulary from empty text');
    expect(() => new CharTokenizer([])).toThrow('at least one character');
    expect(() => new CharTokenizer(['a', 'bc'])).toThrow('vocabulary entry 1 must be a single character, got "bc"');
    expect(() => new CharTokenizer(['a', ''])).toThrow('vocabulary entry 1 must be a single character');
    expect(() => new CharTokenizer(['a', 7 as unknown as string])).toThrow(
      'vocabulary entry 1 must be a single character, got 7',
    );
    expect(() => new CharTokenizer(['a', 'b', 'a'])).toThrow("vocabulary entries 0 and 2 are both 'a' (U+0061)");
    expect(() => new CharTokenizer(['😀', 'x', '😀'])).toThrow('vocabulary entries 0 and 2 are both');
  });

  it('keeps a given id order, such as a vocabulary converted from another program', () => {
    const tok = new CharTokenizer(['z', 'a', '\n']);
    expect([...tok.encode('a\nz')]).toEqual([1, 2, 0]);
  });
});

describe('CharTokenizer round-trips', () => {
  const samples: Record<string, string> = {
    ASCII: 'The quick brown fox jumps over the lazy dog. 0123456789 ~!@#$%^&*()',
    CJK: '天地玄黄，宇宙洪荒。日月盈昃，辰宿列张。こんにちは、世界！안녕하세요',
    emoji: '😀😂🤖 👩‍👩‍👧‍👦 🇫🇷 👍🏽 🎉',
    'the empty string': '',
    newlines: 'line one\nline two\r\nline three\n\n\tindented\n',
    'a byte-order mark and combining marks': '\uFEFFe\u0301 n\u0303 Å',
  };
  for (const [name, text] of Object.entries(samples)) {
    it(`decode(encode(text)) === text for ${name}`, () => {
      const tok = CharTokenizer.fromText(`${text}x`);
      const ids = tok.encode(text);
      expect(ids).toBeInstanceOf(Int32Array);
      expect(ids).toHaveLength([...text].length);
      expect(tok.decode(ids)).toBe(text);
    });
  }

  it('round-trips an unpaired surrogate, which is not Unicode but is a JavaScript string character', () => {
    const tok = CharTokenizer.fromText('a\uD800b\uDFFF');
    expect(tok.vocabSize).toBe(4);
    expect(tok.decode(tok.encode('\uDFFFba\uD800'))).toBe('\uDFFFba\uD800');
  });

  it('gives the UTF-8 bytes of the decoded text', () => {
    const tok = CharTokenizer.fromText('aé😀');
    expect([...tok.decodeBytes(tok.encode('aé😀'))]).toEqual([0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]);
  });

  it('decodes plain arrays and Uint16Array as well as Int32Array', () => {
    const tok = CharTokenizer.fromText('abc');
    expect(tok.decode([2, 1, 0])).toBe('cba');
    expect(tok.decode(new Uint16Array([0, 2]))).toBe('ac');
  });

  it('rejects ids outside the vocabulary when decoding', () => {
    const tok = CharTokenizer.fromText('abc');
    expect(() => tok.decode([0, 3])).toThrow('token id 3 at position 1 is outside the vocabulary [0, 3)');
    expect(() => tok.decode([-1])).toThrow('token id -1 at position 0');
    expect(() => tok.decode([1.5])).toThrow(TokenizerError);
    expect(() => tok.decode([Number.NaN])).toThrow(TokenizerError);
  });

  it('streams the same text as decode, one character per id', () => {
    const tok = CharTokenizer.fromText('你好, world 🌍');
    const ids = tok.encode('world 你好 🌍');
    const stream = tok.streamDecoder();
    const pieces = [...ids].map((id) => stream.write(id));
    expect(pieces.join('') + stream.end()).toBe('world 你好 🌍');
    expect(pieces[6]).toBe('你');
  });
});

describe('CharTokenizer unknown characters', () => {
  const tok = CharTokenizer.fromText('abcdefghijklmnopqrstuvwxyz ,.');

  it('are an error naming the character and its position', () => {
    const error = thrown(() => tok.encode('the cafe and café'));
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error.name).toBe('TokenizerError');
    expect(error.message).toBe("character 'é' (U+00E9) at position 16 is not in the vocabulary");
  });

  it('count positions in characters, so an emoji before the error counts once', () => {
    const withEmoji = CharTokenizer.fromText('ab 😀');
    expect(() => withEmoji.encode('😀😀 aX')).toThrow("character 'X' (U+0058) at position 4 is not in the vocabulary");
  });

  it('show invisible characters as escapes or code points, keeping the message on one line', () => {
    expect(() => tok.encode('ab\ncd')).toThrow("character '\\n' (U+000A) at position 2 is not in the vocabulary");
    expect(() => tok.encode('ab\u200bcd')).toThrow('character U+200B at position 2 is not in the vocabulary');
    expect(() => tok.encode('ab😀')).toThrow("character '😀' (U+1F600) at position 2 is not in the vocabulary");
  });

  it("can be skipped with { unknown: 'skip' }", () => {
    expect(tok.decode(tok.encode("café au lait, 😀 s'il vous plaît", { unknown: 'skip' }))).toBe(
      'caf au lait,  sil vous plat',
    );
  });

  it('can be replaced with a vocabulary character with { unknown: { replaceWith } }', () => {
    const ids = tok.encode('Café 😀!', { unknown: { replaceWith: '.' } });
    expect(tok.decode(ids)).toBe('.af. ..');
  });

  it('cannot be replaced with text that is not one vocabulary character', () => {
    expect(() => tok.encode('é', { unknown: { replaceWith: '?' } })).toThrow(
      'the replacement for unknown characters, "?", must be one vocabulary character',
    );
    expect(() => tok.encode('é', { unknown: { replaceWith: 'ab' } })).toThrow('must be one vocabulary character');
    expect(() => tok.encode('é', { unknown: { replaceWith: '' } })).toThrow('must be one vocabulary character');
  });

  it('are not a concern of special tokens, of which a character vocabulary has none', () => {
    expect(tok.eotToken).toBeNull();
    expect(tok.specialTokens.size).toBe(0);
    expect([...tok.encode('ab', { allowedSpecial: 'all' })]).toEqual([...tok.encode('ab')]);
    expect(() => tok.encode('ab', { allowedSpecial: ['<|endoftext|>'] })).toThrow(
      "'<|endoftext|>' is not a special token of this vocabulary (it has: none)",
    );
  });
});

describe('CharTokenizer JSON', () => {
  it('is { type: "char", chars } with the characters in id order, and round-trips', () => {
    const tok = new CharTokenizer(['b', '😀', '\n', 'a']);
    const json = JSON.parse(JSON.stringify(tok)) as unknown;
    expect(json).toEqual({ type: 'char', chars: ['b', '😀', '\n', 'a'] });
    const back = CharTokenizer.fromJSON(json);
    expect(back.chars).toEqual(tok.chars);
    expect([...back.encode('a😀b\n')]).toEqual([3, 1, 0, 2]);
  });

  it('rejects JSON of another kind or with a corrupt vocabulary', () => {
    expect(() => CharTokenizer.fromJSON({ type: 'gpt2' })).toThrow("expected a character tokenizer's JSON");
    expect(() => CharTokenizer.fromJSON(null)).toThrow("expected a character tokenizer's JSON");
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: 'abc' })).toThrow('"chars" must be an array');
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: ['a', 'a'] })).toThrow('vocabulary entries 0 and 1');
  });
});

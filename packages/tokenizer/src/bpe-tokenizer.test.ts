// Tests of GPT-2's BPE against tiktoken's ids and OpenAI's r50k_base rank file, special tokens and decoding.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { BpeTokenizer, END_OF_TEXT } from './bpe-tokenizer.js';
import { TokenizerError } from './tokenizer.js';

const require = createRequire(import.meta.url);
/** A data file shipped with gpt-tokenizer. */
const gptTokenizerData = (name: string): string => readFileSync(require.resolve(`gpt-tokenizer/data/${name}`), 'utf8');

let gpt2: BpeTokenizer;
beforeAll(async () => {
  gpt2 = await BpeTokenizer.load();
});

describe('BpeTokenizer encodes like GPT-2', () => {
  it('has 50,257 tokens with <|endoftext|> = 50256', () => {
    expect(gpt2.vocabSize).toBe(50257);
    expect(gpt2.eotToken).toBe(50256);
    expect([...gpt2.specialTokens]).toEqual([[END_OF_TEXT, 50256]]);
  });

  it('"Hello world" → [15496, 995]', () => {
    const ids = gpt2.encode('Hello world');
    expect(ids).toBeInstanceOf(Int32Array);
    expect([...ids]).toEqual([15496, 995]);
  });

  it("matches tiktoken's r50k_base ids on gpt-tokenizer's 64 reference samples", () => {
    const plans = [
      ...gptTokenizerData('TestPlans.txt').matchAll(/EncodingName: (\S+)\nSample: (.*)\nEncoded: \[(.*)\]/g),
    ];
    const r50k = plans.filter(([, encoding]) => encoding === 'r50k_base');
    expect(r50k).toHaveLength(64);
    for (const [, , sample, encoded] of r50k) {
      const expected = encoded!.length > 0 ? encoded!.split(', ').map(Number) : [];
      expect([...gpt2.encode(sample!)], sample).toEqual(expected);
      expect(gpt2.decode(expected), sample).toBe(sample);
    }
  });

  it("is not gpt-tokenizer's default encoding (o200k_base), which gives other ids", async () => {
    const { encode: defaultEncode } = await import('gpt-tokenizer');
    expect(defaultEncode('Hello world')).not.toEqual([15496, 995]);
  });
});

describe('BpeTokenizer special tokens', () => {
  it('encodes <|endoftext|> as 50256 only when the call allows it', () => {
    expect([...gpt2.encode(END_OF_TEXT, { allowedSpecial: [END_OF_TEXT] })]).toEqual([50256]);
    expect([...gpt2.encode(END_OF_TEXT, { allowedSpecial: 'all' })]).toEqual([50256]);
  });

  it('finds allowed special tokens anywhere in the text, not only at its start', () => {
    expect([...gpt2.encode('a <|endoftext|> b', { allowedSpecial: 'all' })]).toEqual([64, 220, 50256, 275]);
    const twoDocs = `Hello world${END_OF_TEXT}Hello world${END_OF_TEXT}`;
    expect([...gpt2.encode(twoDocs, { allowedSpecial: 'all' })]).toEqual([15496, 995, 50256, 15496, 995, 50256]);
  });

  it('treats the text <|endoftext|> in ordinary text as text, not as the special token', () => {
    const text = 'a document that mentions <|endoftext|> in passing';
    const ids = gpt2.encode(text);
    expect(ids).not.toContain(50256);
    expect(ids.length).toBeGreaterThan(10);
    expect(gpt2.decode(ids)).toBe(text);
    expect(gpt2.decode([50256])).toBe(END_OF_TEXT); // the special token decodes to the same text
  });

  it('rejects special tokens GPT-2 does not have', () => {
    expect(() => gpt2.encode('x', { allowedSpecial: ['<|fim_prefix|>'] })).toThrow(
      "'<|fim_prefix|>' is not a special token of this vocabulary (it has: <|endoftext|>)",
    );
  });

  it('ignores the unknown-character option: byte-level BPE has no unknown characters', () => {
    expect([...gpt2.encode('é', { unknown: 'error' })]).toEqual([...gpt2.encode('é')]);
  });
});

describe('BpeTokenizer round-trips and decoding', () => {
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
      expect(gpt2.decode(gpt2.encode(text))).toBe(text);
    });
  }

  it("gives every id the bytes of OpenAI's r50k_base.tiktoken rank file", () => {
    const lines = gptTokenizerData('r50k_base.tiktoken').trim().split('\n');
    expect(lines).toHaveLength(50256);
    const expected = lines.map((line) => {
      const [base64, rank] = line.split(' ');
      return `${rank} ${[...atob(base64!)].map((c) => c.charCodeAt(0)).join(',')}`;
    });
    const actual = lines.map((_, id) => `${id} ${gpt2.decodeBytes([id]).join(',')}`);
    expect(actual).toEqual(expected);
    const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
    const texts = lines.map((_, id) => gpt2.decode([id]));
    expect(texts).toEqual(lines.map((_, id) => utf8.decode(gpt2.decodeBytes([id]))));
    expect(gpt2.decodeBytes([50256])).toEqual(new TextEncoder().encode(END_OF_TEXT));
  });

  it('joins the bytes of consecutive tokens before reading them as UTF-8, with U+FFFD for cut characters', () => {
    const ids = gpt2.encode('😀');
    expect([...ids]).toEqual([47249, 222]); // F0 9F 98 | 80
    expect(gpt2.decode(ids)).toBe('😀');
    expect(gpt2.decode([47249])).toBe('\uFFFD');
    // A cut character must not leak into the next call (gpt-tokenizer's own decode shares one
    // streaming TextDecoder between calls, so its next call would print the emoji).
    expect(gpt2.decode([222])).toBe('\uFFFD');
    expect(gpt2.decode([47249, 15496])).toBe('\uFFFDHello');
  });

  it('decodes any id sequence exactly as UTF-8 decoding of the concatenated token bytes', () => {
    const bytesOf = (id: number): number[] => [...gpt2.decodeBytes([id])];
    const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
    for (let start = 0; start < 50257; start += 997) {
      // A stride through the vocabulary mixes text tokens, byte tokens and the end-of-text token.
      const ids = Array.from({ length: 40 }, (_, i) => (start + i * 7919) % 50257);
      const expected = utf8.decode(Uint8Array.from(ids.flatMap(bytesOf)));
      expect(gpt2.decode(ids)).toBe(expected);
      const stream = gpt2.streamDecoder();
      expect(ids.map((id) => stream.write(id)).join('') + stream.end()).toBe(expected);
    }
  });

  it('streams text piece by piece, holding back a character split across tokens', () => {
    const text = 'Hi 😀 你好!';
    const stream = gpt2.streamDecoder();
    const pieces = [...gpt2.encode(text)].map((id) => stream.write(id));
    expect(pieces.join('') + stream.end()).toBe(text);
    expect(pieces).toContain(''); // the first bytes of 😀 waited for the rest
    expect(pieces.join('')).not.toContain('\uFFFD');
    const cut = gpt2.streamDecoder();
    expect(cut.write(47249)).toBe('');
    expect(cut.end()).toBe('\uFFFD');
  });

  it('rejects ids outside [0, 50257)', () => {
    expect(() => gpt2.decode([15496, 50257])).toThrow(
      'token id 50257 at position 1 is outside the vocabulary [0, 50257)',
    );
    expect(() => gpt2.decode([-1])).toThrow(TokenizerError);
    expect(() => gpt2.streamDecoder().write(2.5)).toThrow(TokenizerError);
  });

  it('rejects what is not a string', () => {
    expect(() => gpt2.encode(42 as unknown as string)).toThrow('encode expects a string, got number');
  });
});

describe('BpeTokenizer JSON', () => {
  it('is { type: "gpt2" } and loads back into an identical tokenizer', async () => {
    expect(gpt2.toJSON()).toEqual({ type: 'gpt2' });
    const back = await BpeTokenizer.fromJSON(JSON.parse(JSON.stringify(gpt2)));
    expect([...back.encode('Hello world')]).toEqual([15496, 995]);
  });

  it('rejects JSON of another kind', async () => {
    await expect(BpeTokenizer.fromJSON({ type: 'char', chars: ['a'] })).rejects.toThrow(
      "expected a GPT-2 tokenizer's JSON",
    );
  });
});

// Tests that a stored tokenizer comes back as the same tokenizer, and that corrupt JSON is a clear error.
import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import { TokenizerError } from './tokenizer.js';
import { tokenizerFromJSON } from './tokenizer-from-json.js';

describe('tokenizerFromJSON', () => {
  it('rebuilds a character tokenizer from its JSON object or text', async () => {
    const tok = CharTokenizer.fromText('First Citizen:\nBefore we proceed any further, hear me speak.');
    for (const json of [tok.toJSON(), JSON.stringify(tok)]) {
      const back = await tokenizerFromJSON(json);
      expect(back).toBeInstanceOf(CharTokenizer);
      expect(back.toJSON()).toEqual(tok.toJSON());
      expect([...back.encode('hear me')]).toEqual([...tok.encode('hear me')]);
    }
  });

  it('rebuilds GPT-2 from { type: "gpt2" }', async () => {
    const back = await tokenizerFromJSON('{"type":"gpt2"}');
    expect(back).toBeInstanceOf(BpeTokenizer);
    expect([...back.encode('Hello world')]).toEqual([15496, 995]);
  });

  it('rejects unknown types and corrupt JSON with one clear TokenizerError', async () => {
    const cases: [unknown, string][] = [
      ['{"type": "char", "chars": ["a",', 'tokenizer JSON is not valid JSON'],
      [null, 'tokenizer JSON must be an object with a "type"'],
      [['a', 'b'], 'tokenizer JSON must be an object with a "type"'],
      [{ chars: ['a'] }, 'unknown tokenizer type undefined (known types: "char", "gpt2")'],
      [{ type: 'sentencepiece' }, 'unknown tokenizer type "sentencepiece" (known types: "char", "gpt2")'],
      [{ type: 'char' }, 'character tokenizer JSON: "chars" must be an array'],
      [{ type: 'char', chars: ['a', 'bb'] }, 'vocabulary entry 1 must be a single character, got "bb"'],
      [{ type: 'char', chars: ['a', null] }, 'vocabulary entry 1 must be a single character, got null'],
    ];
    for (const [json, message] of cases) {
      const error: unknown = await tokenizerFromJSON(json).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, message).toBeInstanceOf(TokenizerError);
      expect((error as Error).message).toBe(message);
    }
  });
});

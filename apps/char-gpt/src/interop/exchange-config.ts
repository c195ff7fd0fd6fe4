// The config.json of a nanoGPT exchange directory: nanoGPT's `model_args` plus the tokenizer (the character
// vocabulary of its `meta.pkl`, or GPT-2's BPE), checked field by field.
import { CharTokenizer, TokenizerError } from '@tinygpt/tokenizer';
import type { TokenizerJson } from '@tinygpt/tokenizer';
import type { GptConfig } from '../config.js';
import { CheckpointError } from '../checkpoint/format.js';

/** The two files of an exchange directory, and nothing else. */
export const EXCHANGE_FILES = ['model.safetensors', 'config.json'] as const;

/** GPT-2's BPE has 50,257 tokens; a model's vocabulary may be padded beyond (nanoGPT's 50,304). */
const GPT2_TOKENS = 50257;

/**
 * config.json as written and read: nanoGPT's `model_args` (GPTConfig fields, snake_case), the
 * tokenizer, and for a character model `chars`, the vocabulary in id order (nanoGPT's `meta.pkl`
 * `itos`). `"tokenizer": "gpt2"` means GPT-2's BPE (tiktoken's `gpt2` encoding, which nanoGPT's
 * sample.py falls back to when a dataset has no meta.pkl) and carries no `chars`; a config.json
 * without `tokenizer` is a character model.
 *
 * @example
 * { "n_layer": 6, "n_head": 6, "n_embd": 384, "block_size": 256, "vocab_size": 65, "bias": false, "dropout": 0.2,
 *   "tokenizer": "char", "chars": ["\n", " ", "!", …] }
 * { "n_layer": 12, "n_head": 12, "n_embd": 768, "block_size": 1024, "vocab_size": 50304, "bias": false, "dropout": 0,
 *   "tokenizer": "gpt2" }
 */
export interface ExchangeConfigJson {
  n_layer: number;
  n_head: number;
  n_embd: number;
  block_size: number;
  vocab_size: number;
  bias: boolean;
  dropout: number;
  /** Present only for GPT-2's tanh GELU (a model started from OpenAI's weights); nanoGPT's is exact. */
  gelu?: 'tanh';
  /** `char` (absent means char) or `gpt2`. */
  tokenizer?: 'char' | 'gpt2';
  /** A character model's vocabulary in id order; absent for `gpt2`. */
  chars?: string[];
}

/** What config.json describes: the model's shape in our names, and the tokenizer. */
export interface ExchangeConfig {
  config: GptConfig;
  tokenizer: TokenizerJson;
}

/** config.json's keys; `dropout` may be left out (0), the others are required. */
const KEYS: readonly (keyof ExchangeConfigJson)[] = [
  'n_layer',
  'n_head',
  'n_embd',
  'block_size',
  'vocab_size',
  'bias',
  'dropout',
  'gelu',
  'tokenizer',
  'chars',
];

/** config.json's contents for a model and its tokenizer (`{ type: 'char', chars }` or `{ type: 'gpt2' }`). */
export function toExchangeConfig(config: GptConfig, tokenizer: TokenizerJson): ExchangeConfigJson {
  const { nLayer, nHead, nEmbd, blockSize, vocabSize, bias, dropout, gelu } = config;
  return {
    n_layer: nLayer,
    n_head: nHead,
    n_embd: nEmbd,
    block_size: blockSize,
    vocab_size: vocabSize,
    bias,
    dropout,
    ...(gelu === 'tanh' ? { gelu } : {}),
    tokenizer: tokenizer.type,
    ...(tokenizer.type === 'char' ? { chars: [...tokenizer.chars] } : {}),
  };
}

/**
 * Checks config.json's contents and returns them in our terms. `where` names the file in
 * messages.
 * @throws CheckpointError naming the first key that is missing, unknown or of a bad value, and
 *   for a `vocab_size` other than the number of `chars` (a padded vocabulary, as GPT-2's 50304,
 *   does not fit a character tokenizer; it needs `"tokenizer": "gpt2"`), or, for GPT-2's
 *   tokenizer, below its 50,257 tokens.
 */
export function parseExchangeConfig(value: unknown, where: string): ExchangeConfig {
  const fail = (what: string): never => {
    throw new CheckpointError(`${where}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('expected a JSON object of nanoGPT model args and the tokenizer ("chars" or "tokenizer": "gpt2")');
  const json = value as Record<string, unknown>;
  const unknown = Object.keys(json).filter((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) fail(`unknown key "${unknown[0]}"; the keys are ${KEYS.join(', ')}`);
  const count = (key: keyof ExchangeConfigJson): number => {
    const v = json[key];
    if (v === undefined) return fail(`"${key}" is missing`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
      return fail(`"${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const [nLayer, nHead, nEmbd, blockSize, vocabSize] = (
    ['n_layer', 'n_head', 'n_embd', 'block_size', 'vocab_size'] as const
  ).map(count) as [number, number, number, number, number];
  if (nEmbd % nHead !== 0) fail(`"n_embd" ${nEmbd} is not a multiple of "n_head" ${nHead}`);
  const { bias, dropout = 0, gelu = 'none', tokenizer = 'char', chars } = json;
  if (gelu !== 'none' && gelu !== 'tanh') fail(`"gelu" must be "tanh" (or absent: exact), got ${JSON.stringify(gelu)}`);
  if (typeof bias !== 'boolean') fail(`"bias" must be true or false, got ${JSON.stringify(bias)}`);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    fail(`"dropout" must be a number in [0, 1), got ${JSON.stringify(dropout)}`);
  const config: GptConfig = {
    vocabSize,
    blockSize,
    nLayer,
    nHead,
    nEmbd,
    dropout: dropout as number,
    bias: bias as boolean,
    gelu: gelu as 'none' | 'tanh',
  };
  if (tokenizer === 'gpt2') {
    if (chars !== undefined) fail('"chars" goes with a character model, not with "tokenizer": "gpt2"');
    if (vocabSize < GPT2_TOKENS)
      fail(
        `"vocab_size" is ${vocabSize}, below the ${GPT2_TOKENS.toLocaleString('en-US')} tokens of GPT-2's tokenizer`,
      );
    return { config, tokenizer: { type: 'gpt2' } };
  }
  if (tokenizer !== 'char') fail(`"tokenizer" must be "char" or "gpt2", got ${JSON.stringify(tokenizer)}`);
  if (!Array.isArray(chars))
    return fail(
      '"chars" must be the vocabulary: an array of characters in id order (meta.pkl\'s itos); a GPT-2 model says "tokenizer": "gpt2"',
    );
  if (vocabSize !== chars.length) {
    fail(
      `"vocab_size" is ${vocabSize} but "chars" holds ${chars.length} characters; a character model has exactly one id per character ` +
        '(a padded vocabulary such as GPT-2\'s 50304 needs "tokenizer": "gpt2" and no "chars")',
    );
  }
  try {
    new CharTokenizer(chars as string[]);
  } catch (err) {
    if (err instanceof TokenizerError) fail(`"chars" is not a usable vocabulary: ${err.message}`);
    throw err;
  }
  return { config, tokenizer: { type: 'char', chars: [...(chars as string[])] } };
}

// nanoGPT interop: every way an exchange directory can be malformed is refused with one clear error.
import { cpSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../src/checkpoint/format.js';
import { readExchangeDir } from '../src/interop/exchange-dir.js';
import { scratchDir } from './helpers.js';
import { copyExchange, editConfig, editHeader, editTensors, trainAndExport } from './interop-helpers.js';

let exchange: string; // the export of a tiny trained checkpoint
beforeAll(async () => ({ exchange } = await trainAndExport()));
/** A copy of the exported exchange directory to damage. */
const copy = (): string => copyExchange(exchange);

describe('a malformed exchange directory is one clear error', () => {
  const cases: [string, (dir: string) => void, RegExp | string][] = [
    ['an empty config.json', (dir) => writeFileSync(join(dir, 'config.json'), ''), /config\.json is not valid JSON/],
    [
      'a truncated file',
      (dir) => truncateSync(join(dir, 'model.safetensors'), 200),
      /model\.safetensors is damaged: .*(runs past the end|ends at byte).*\(truncated\?\)/,
    ],
    [
      'a header pointing past the end',
      (dir) =>
        editHeader(
          dir,
          (h) =>
            (h['transformer.wpe.weight']!.data_offsets = [
              1 << 20,
              (1 << 20) + 4 * h['transformer.wpe.weight']!.shape.reduce((a, b) => a * b),
            ]),
        ),
      /model\.safetensors is damaged: tensor 'transformer\.wpe\.weight' ends at byte \d+ of a \d+-byte data section/,
    ],
    [
      'a wrong dtype',
      (dir) => editHeader(dir, (h) => (h['transformer.ln_f.weight']!.dtype = 'I64')),
      /model\.safetensors is damaged: tensor 'transformer\.ln_f\.weight' has dtype I64/,
    ],
    [
      'a missing tensor',
      (dir) =>
        editTensors(dir, (t) =>
          Object.fromEntries(Object.entries(t).filter(([name]) => name !== 'transformer.h.1.mlp.c_proj.bias')),
        ),
      'model.safetensors lacks "transformer.h.1.mlp.c_proj.bias" of shape (16), ' +
        'a parameter of the model config.json describes (config.json says "bias": true)',
    ],
    [
      'an unexpected tensor',
      (dir) => editTensors(dir, (t) => ({ ...t, 'transformer.h.2.ln_1.weight': t['transformer.h.0.ln_1.weight']! })),
      'holds "transformer.h.2.ln_1.weight", ' +
        'which is not a parameter of the model config.json describes (config.json says "n_layer": 2)',
    ],
    [
      'a shape mismatch (a transposed Linear weight)',
      (dir) =>
        editTensors(dir, (t) => ({
          ...t,
          'transformer.h.0.mlp.c_fc.weight': { shape: [16, 64], data: t['transformer.h.0.mlp.c_fc.weight']!.data },
        })),
      '"transformer.h.0.mlp.c_fc.weight" has shape (16, 64), but the model config.json describes needs (64, 16) ' +
        "(transposed: nanoGPT's Linear weights are (out, in))",
    ],
    [
      'an untied lm_head',
      (dir) =>
        editTensors(dir, (t) => ({
          ...t,
          'lm_head.weight': { shape: t['lm_head.weight']!.shape, data: t['lm_head.weight']!.data.map((v) => v + 1) },
        })),
      /"lm_head\.weight" differs from "transformer\.wte\.weight", but nanoGPT ties the two/,
    ],
    [
      'vocab_size ≠ the number of chars (a padded vocabulary)',
      (dir) => editConfig(dir, (c) => (c.vocab_size = 50304)),
      /"vocab_size" is 50304 but "chars" holds \d+ characters/,
    ],
    [
      'n_embd not divisible by n_head',
      (dir) => editConfig(dir, (c) => (c.n_head = 3)),
      /"n_embd" 16 is not a multiple of "n_head" 3/,
    ],
    ['a zero n_layer', (dir) => editConfig(dir, (c) => (c.n_layer = 0)), /"n_layer" must be a positive integer, got 0/],
    ['a missing block_size', (dir) => editConfig(dir, (c) => delete c.block_size), /"block_size" is missing/],
    [
      'a bias that is not a boolean',
      (dir) => editConfig(dir, (c) => (c.bias = 'True')),
      /"bias" must be true or false, got "True"/,
    ],
    [
      'a dropout of 1.5',
      (dir) => editConfig(dir, (c) => (c.dropout = 1.5)),
      /"dropout" must be a number in \[0, 1\), got 1\.5/,
    ],
    [
      'an unknown key',
      (dir) => editConfig(dir, (c) => (c.n_layers = 2)),
      /unknown key "n_layers"; the keys are n_layer, n_head/,
    ],
    [
      'a repeated character',
      (dir) => editConfig(dir, (c) => ((c.chars as string[])[1] = (c.chars as string[])[0]!)),
      /"chars" is not a usable vocabulary: vocabulary entries 0 and 1 are both/,
    ],
    ['chars missing', (dir) => editConfig(dir, (c) => delete c.chars), /"chars" must be the vocabulary/],
  ];

  it.each(cases)('refuses %s', (_, damage, message) => {
    const dir = copy();
    damage(dir);
    expect(() => readExchangeDir(dir)).toThrow(CheckpointError);
    expect(() => readExchangeDir(dir)).toThrow(message);
  });

  it.each(['config.json', 'model.safetensors'])('refuses a directory without %s', (name) => {
    const dir = join(scratchDir(), 'partial');
    mkdirSync(dir);
    const other = name === 'config.json' ? 'model.safetensors' : 'config.json';
    cpSync(join(exchange, other), join(dir, other));
    expect(() => readExchangeDir(dir)).toThrow(
      new RegExp(`exchange directory .* is incomplete: ${name.replace('.', '\\.')} is missing`),
    );
  });

  it.each(['config.json', 'model.safetensors'])('says %s cannot be read rather than calling it damaged', (name) => {
    const dir = copy();
    rmSync(join(dir, name));
    mkdirSync(join(dir, name)); // as EACCES would, for a reader who is not root
    expect(() => readExchangeDir(dir)).toThrow(`cannot read ${join(dir, name)}: it is a directory`);
  });

  it('says so when there is no directory at all', () => {
    expect(() => readExchangeDir(join(scratchDir(), 'nothing'))).toThrow(
      /no exchange directory at .*nothing: the directory does not exist/,
    );
  });
});

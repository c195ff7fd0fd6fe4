// Tests formatHelp: the --help text of a config spec.
import { describe, expect, it } from 'vitest';
import { formatHelp } from './help.js';
import { defaults, spec } from './testing.js';

describe('formatHelp', () => {
  it('lists every key with its flag, type, default, help and choices', () => {
    const text = formatHelp(defaults, {
      ...spec,
      usage: 'pnpm pretrain [options]',
      description: 'Train a GPT on a text corpus.',
    });
    expect(text).toBe(
      [
        'Usage: pnpm pretrain [options]',
        '',
        'Train a GPT on a text corpus.',
        '',
        'Options (also --snake_case; a --config FILE.json may set them, flags win):',
        '  --n-layer <number>        4          transformer blocks',
        '  --n-head <number>         4          attention heads per block',
        '  --n-embd <number>         128        embedding width',
        '  --learning-rate <number>  0.001      peak AdamW learning rate',
        '  --dropout <number>        0          dropout probability',
        '  --init-from <string>      "scratch"  start from fresh weights or the checkpoint in outDir (scratch | resume)',
        '  --out-dir <string>        "out"      where checkpoints go',
        '  --bias, --no-bias         false      biases in Linear and LayerNorm layers',
        '  --compile, --no-compile   true       accepted for nanoGPT command lines',
        '  --beta2 <number>          0.99       AdamW beta2',
        '  --config <FILE.json>                 read settings from a JSON file (or a nanoGPT .py one); flags override it',
        '  --help, -h                           show this help',
      ].join('\n'),
    );
  });
});

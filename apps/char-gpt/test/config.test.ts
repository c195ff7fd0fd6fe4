// Configuration: the shipped presets parse and match nanoGPT's, nanoGPT command lines are accepted, bad values are refused.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { checkConfig, defaults } from '../src/config.js';
import type { TrainConfig } from '../src/config.js';
import { appDir } from '../src/paths.js';
import { scratchDir } from './helpers.js';

describe('configs', () => {
  it('quick.json parses and is valid', () => {
    const config = pretrainConfig(['--config', 'quick'])!;
    expect(config.data).toBe('moby-dick');
    expect(config.maxIters).toBeGreaterThan(0);
    expect(() => checkConfig(config)).not.toThrow();
  });

  it('a --config that is neither a file nor a preset names the presets, and the closest', () => {
    expect(() => pretrainConfig(['--config', 'quik'])).toThrow(
      /^--config quik: no file .*quik, and no preset of that name \(did you mean quick\?\); presets: baby, bpe, medium, quick$/,
    );
  });

  it("baby.json is nanoGPT's CPU config for tinyshakespeare", () => {
    const config = pretrainConfig(['--config', 'baby.json'])!;
    const nanoGpt: Partial<TrainConfig> = {
      data: 'tinyshakespeare',
      nLayer: 4,
      nHead: 4,
      nEmbd: 128,
      blockSize: 64,
      batchSize: 12,
      dropout: 0,
      bias: false,
      maxIters: 2000,
      lrDecayIters: 2000,
      learningRate: 1e-3,
      minLr: 1e-4,
      warmupIters: 100,
      beta1: 0.9,
      beta2: 0.99,
      weightDecay: 0.1,
      gradClip: 1,
      gradAccum: 1,
      evalInterval: 250,
      evalIters: 20,
      seed: 1337,
    };
    expect(config).toMatchObject(nanoGpt);
  });

  it("accepts nanoGPT's CPU-config command line as is", () => {
    const argv = (
      '--device=cpu --compile=False --eval_iters=20 --log_interval=1 --block_size=64 --batch_size=12 ' +
      '--n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0'
    ).split(' ');
    const config = pretrainConfig([
      ...argv,
      '--dataset=shakespeare_char',
      '--gradient_accumulation_steps=1',
      '--always_save_checkpoint=False',
      '--dtype=bfloat16',
    ])!;
    expect(config).toMatchObject({
      evalIters: 20,
      blockSize: 64,
      batchSize: 12,
      nLayer: 4,
      nHead: 4,
      nEmbd: 128,
      maxIters: 2000,
      dropout: 0,
      data: 'tinyshakespeare',
      gradAccum: 1,
    });
    // Everything else keeps train_shakespeare_char.py's values.
    expect(config).toMatchObject({ learningRate: 1e-3, minLr: 1e-4, beta2: 0.99, warmupIters: 100, evalInterval: 250 });
  });

  it('resolves --config paths and --out-dir from where the user typed the command', () => {
    const config = pretrainConfig(['--config', `${appDir}configs/quick.json`, '--out-dir', 'runs/x'])!;
    expect(config.outDir).toBe(`${process.env.INIT_CWD ?? process.cwd()}/runs/x`.replace('//', '/'));
  });

  it('reads ./quick.json when it exists, the bundled preset quick.json otherwise', () => {
    const saved = process.env.INIT_CWD;
    const user = scratchDir();
    try {
      process.env.INIT_CWD = user;
      const preset = pretrainConfig(['--config', 'quick.json'])!;
      writeFileSync(join(user, 'quick.json'), JSON.stringify({ maxIters: 7 }));
      expect(pretrainConfig(['--config', 'quick.json'])!.maxIters).toBe(7);
      expect(pretrainConfig(['--config', 'quick'])!.maxIters).toBe(preset.maxIters); // no ./quick: the preset
      expect(preset.maxIters).not.toBe(7);
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
    }
  });

  it('adds the backend knobs: wasm on a thread per core by default, $TINYGPT_BACKEND, or the flags', () => {
    const saved = process.env.TINYGPT_BACKEND;
    try {
      delete process.env.TINYGPT_BACKEND;
      expect(pretrainConfig(['--config', 'quick'])).toMatchObject({ backend: 'wasm', threads: 0 });
      expect(pretrainConfig(['--backend', 'js', '--threads', '1'])).toMatchObject({ backend: 'js', threads: 1 });
      process.env.TINYGPT_BACKEND = 'js';
      expect(pretrainConfig([])).toMatchObject({ backend: 'js' });
      expect(pretrainConfig(['--backend=wasm'])).toMatchObject({ backend: 'wasm' });
      process.env.TINYGPT_BACKEND = 'gpu';
      expect(() => pretrainConfig([])).toThrow(/\$TINYGPT_BACKEND must be one of wasm, js; got 'gpu'/);
    } finally {
      if (saved === undefined) delete process.env.TINYGPT_BACKEND;
      else process.env.TINYGPT_BACKEND = saved;
    }
  });

  it.each([
    [['--n-embd', '130', '--n-head', '4'], /--n-embd expects a multiple of --n-head \(4\), got 130/],
    [['--learning-rate', '-1'], /--learning-rate expects a number > 0, got -1/],
    [['--dropout', '1'], /--dropout expects a number in \[0, 1\), got 1/],
    [['--bogus', '3'], /unknown option --bogus; valid options: --data, --out-dir/],
    [
      ['--init-from', 'gpt2'],
      /--init-from must be scratch, resume, or a model directory; got 'gpt2', which is not a directory/,
    ],
    [['--init-from', join(appDir, 'package.json')], /got '.*package\.json', which is not a directory/],
    [['--device=cuda'], /--device must be one of cpu; got 'cuda'/],
    [
      ['--warmup-iters', '100', '--lr-decay-iters', '50'],
      /--lr-decay-iters expects a number above --warmup-iters \(100\), got 50/,
    ],
    [
      ['--learning-rate', '3e-5'],
      /--min-lr, by default, expects a number no higher than --learning-rate \(0\.00003\), or --no-decay-lr .*, got 0\.0001/,
    ],
    [
      ['--learning-rate', '3e-5', '--min-lr', '1e-4'],
      /--min-lr expects a number no higher than --learning-rate \(0\.00003\), or --no-decay-lr for a constant rate, got 0\.0001/,
    ],
    [['--batch-size', '0'], /--batch-size expects a positive integer, got 0/],
    [['--backend', 'gpu'], /--backend must be one of wasm, js; got 'gpu'/],
    [['--threads', '1.5'], /--threads expects a whole number from 0 to 255 \(0: one per core\), got 1.5/],
    [['--threads', '100000'], /--threads expects a whole number from 0 to 255 \(0: one per core\), got 100000/],
    [
      ['--max-iters', '1e20'],
      /--max-iters expects an integer ≥ 0 no larger than 9007199254740991, got 100000000000000000000/,
    ],
    [['--seed', '1e20'], /--seed expects an integer from -9007199254740991 to 9007199254740991, got 1000000000/],
  ])('refuses %j', (argv, message) => {
    expect(() => pretrainConfig(argv)).toThrow(message);
  });

  it('takes a final learning rate above the peak only when the rate is constant', () => {
    expect(pretrainConfig(['--learning-rate', '3e-5', '--no-decay-lr'])).toMatchObject({
      learningRate: 3e-5,
      minLr: 1e-4,
    });
    expect(pretrainConfig(['--learning-rate', '3e-5', '--min-lr', '3e-6'])).toMatchObject({ minLr: 3e-6 });
    expect(() => pretrainConfig(['--config', 'quick', '--learning-rate', '1e-4'])).toThrow(
      /quick: "minLr" expects a number no higher than --learning-rate \(0\.0001\)/,
    );
  });

  it('the defaults are valid and are those of nanoGPT train_shakespeare_char.py', () => {
    expect(() => checkConfig(defaults)).not.toThrow();
    expect(defaults).toMatchObject({
      nLayer: 6,
      nHead: 6,
      nEmbd: 384,
      blockSize: 256,
      batchSize: 64,
      dropout: 0.2,
      learningRate: 1e-3,
      maxIters: 5000,
      lrDecayIters: 5000,
      minLr: 1e-4,
      beta2: 0.99,
      warmupIters: 100,
      evalInterval: 250,
      evalIters: 200,
    });
  });
});

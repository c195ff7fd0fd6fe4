// nanoGPT's train.py command lines whole: a config file before the flags (its configurator.py), the W&B and eval_only
// settings those files carry, and --eval-only, which evaluates the run's model once and writes nothing.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { trainReporter } from '../src/cli/train-reporter.js';
import { train } from '../src/train.js';
import { scratchDir, tinyRun } from './helpers.js';

/** A config file in the shape of nanoGPT's config/train_shakespeare_char.py (values of our own choosing). */
const CONFIG_PY = `# a small character-level model on tinyshakespeare

out_dir = 'out-small-char'
eval_interval = 100 # frequent: a small dataset overfits
eval_iters = 50
log_interval = 10

# only save when val improves
always_save_checkpoint = False

wandb_log = False # override via command line if you like
wandb_project = 'small-char'
wandb_run_name = "tiny-gpt"

dataset = 'shakespeare_char'
gradient_accumulation_steps = 2 * 1
batch_size = 32
block_size = 128 # context of up to 128 previous characters

n_layer = 3
n_head = 4
n_embd = 128
dropout = 0.1

learning_rate = 2e-3
max_iters = 1000
lr_decay_iters = 1000 # make equal to max_iters usually
min_lr = 2e-3 / 10
`;

/** `text` written as `name` in a fresh directory; its path. */
function file(name: string, text: string): string {
  const path = join(scratchDir(), name);
  writeFileSync(path, text);
  return path;
}

describe("nanoGPT's config files", () => {
  it('read before the flags, as `python train.py config/…py --key=value`, or with --config', () => {
    const path = file('small_char.py', CONFIG_PY);
    const expected = {
      evalInterval: 100,
      evalIters: 50,
      logInterval: 10,
      alwaysSaveCheckpoint: false,
      wandbLog: false,
      wandbProject: 'small-char',
      wandbRunName: 'tiny-gpt',
      data: 'tinyshakespeare',
      gradAccum: 2,
      batchSize: 32,
      blockSize: 128,
      nLayer: 3,
      nHead: 4,
      nEmbd: 128,
      dropout: 0.1,
      learningRate: 2e-3,
      maxIters: 1000,
      lrDecayIters: 1000,
      minLr: 2e-4,
    };
    expect(pretrainConfig([path])).toMatchObject(expected);
    expect(pretrainConfig(['--config', path])).toMatchObject(expected);
    expect(pretrainConfig([path])!.outDir).toMatch(/\/out-small-char$/);
    // The flags win wherever they stand, as in nanoGPT; a later file wins over an earlier one.
    const cpu = file('cpu.py', "device = 'cpu'\ncompile = False\nn_layer = 2\n");
    expect(pretrainConfig(['--n_layer=6', path, '--device=cpu', '--max_iters=20', cpu])).toMatchObject({
      nLayer: 6,
      maxIters: 20,
      batchSize: 32,
      compile: false,
    });
    expect(pretrainConfig([path, cpu])!.nLayer).toBe(2);
  });

  it('refuse what they cannot apply, naming the file and line', () => {
    expect(() => pretrainConfig([file('typo.py', 'n_layer = 6\nn_layers = 4\n')])).toThrow(
      /\/typo\.py line 2: unknown setting "n_layers" \(did you mean n_layer\?\); valid settings: data, out_dir, /,
    );
    expect(() => pretrainConfig([file('wandb.py', "wandb_log = True\nwandb_project = 'owt'\n")])).toThrow(
      /\/wandb\.py line 1: wandb_log expects false \(tinygpt does not log to Weights & Biases: every loss is in .*\), got true$/,
    );
    expect(() => pretrainConfig([file('type.py', "batch_size = '12'\n")])).toThrow(
      /\/type\.py line 1: batch_size expects a number, got "12"$/,
    );
    expect(() => pretrainConfig([file('gpt2.py', "init_from = 'gpt2'\n")])).toThrow(
      /--init-from must be scratch, resume, or a model directory; got 'gpt2', which is not a directory/,
    );
    expect(() => pretrainConfig(['notes.txt'])).toThrow(/^unexpected argument 'notes\.txt' \(this command takes only/);
    expect(() => pretrainConfig([join(scratchDir(), 'missing.py')])).toThrow(/^config file not found: .*missing\.py$/);
  });
});

describe('--eval-only', () => {
  /** Every file of `dir` and its bytes. */
  const contents = (dir: string) => readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]);

  it("evaluates a checkpoint as its run's own evaluation did, and leaves the directory as it was", async () => {
    const config = tinyRun({ maxIters: 4, evalInterval: 2 });
    const run = await train(config);
    const before = contents(config.outDir);
    const parent = readdirSync(join(config.outDir, '..'));
    const result = await train({ ...config, initFrom: 'resume', evalOnly: true });
    expect(result.evals).toEqual([run.evals.at(-1)]); // iteration 4: the same batches, the same losses
    expect([result.iter, result.losses]).toEqual([4, []]);
    expect(contents(config.outDir)).toEqual(before);
    expect(readdirSync(join(config.outDir, '..'))).toEqual(parent); // no lock, no .next
  });

  it("evaluates a new model as a run's first evaluation does, over a run already there or no directory at all", async () => {
    const config = tinyRun({ maxIters: 2, evalInterval: 2 });
    const run = await train(config);
    const before = contents(config.outDir);
    // Nothing is written, so a run already in --out-dir needs no --overwrite.
    expect((await train({ ...config, evalOnly: true })).evals).toEqual([run.evals[0]]);
    expect(contents(config.outDir)).toEqual(before);
    const nowhere = { ...config, outDir: join(scratchDir(), 'not-made') };
    expect((await train({ ...nowhere, evalOnly: true })).evals).toEqual([run.evals[0]]);
    expect(existsSync(nowhere.outDir)).toBe(false);
  });
  it('says what it evaluated, and that a stop mid-way wrote nothing', async () => {
    const config = { ...tinyRun(), evalOnly: true, sampleChars: 0 };
    const lines: string[] = [];
    const out = { write: (text: string) => lines.push(text) };
    const reporter = trainReporter(config, { out, err: out });
    reporter.done(await train(config, { events: reporter }));
    expect(lines.slice(-3)).toEqual([
      '--eval-only: evaluating the model at iteration 0; nothing is trained or written\n',
      expect.stringMatching(/^step 0: train loss \d\.\d{4}, val loss \d\.\d{4}\n$/),
      expect.stringMatching(/^done: evaluated iteration 0 in \d+ms; nothing written\n$/),
    ]);
    const stopped = await train(config, { events: reporter, shouldStop: () => true });
    reporter.done(stopped);
    expect([stopped.interrupted, stopped.evals, lines.at(-1)]).toEqual([
      true,
      [],
      'stopped: the evaluation was cut short; nothing was written\n',
    ]);
    expect(existsSync(config.outDir)).toBe(false);
  });
});

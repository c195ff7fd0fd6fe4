// Takes a run back from nanoGPT: turns a run handover directory (from_nanogpt_run.py) into a char-gpt checkpoint in
// place, so `--init-from resume` continues it.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Rng } from '@tinygpt/autograd';
import { datasetName, defaults } from '../config.js';
import type { TrainConfig } from '../config.js';
import { writeCheckpoint } from '../checkpoint/checkpoint-files.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError } from '../checkpoint/format.js';
import { toNanoGptName } from '../checkpoint/names.js';
import { Gpt } from '../model/gpt.js';
import { configureOptimizer } from '../optimizer.js';
import { RunRng } from '../run-rng.js';
import { isCorpusName } from '../run.js';
import { HANDOVER_FILES, readHandoverDir } from './handover-dir.js';
import { fromNanoGptConfig } from './run-json.js';

/** char-gpt's AdamW epsilon (nanoGPT and PyTorch use the same default). */
const EPS = 1e-8;

/** What {@link adoptRun} found. */
export interface AdoptSummary {
  iter: number;
  writer: 'tinygpt' | 'nanogpt';
  dataset: string;
}

/**
 * Replaces the handover directory `dir` by a char-gpt checkpoint of the same run: its weights,
 * AdamW moments and step, iteration, best val loss, schedule and optimizer knobs (the weight decay
 * and betas of the optimizer's groups win over the config's, as PyTorch's `load_state_dict` makes
 * them win in nanoGPT). What cannot carry over is made fresh: the random generator is seeded with
 * `seed` (nanoGPT, too, reseeds with 1337 on every start), and the evaluation at the handover
 * iteration runs again. The swap is atomic: `dir` is either the handover or the checkpoint.
 * @throws CheckpointError when the handover is damaged, holds other files, or does not fit
 *   char-gpt's optimizer (groups, eps).
 */
export function adoptRun(dir: string, opts: { seed?: number } = {}): AdoptSummary {
  const foreign = readdirSync(dir).filter((name) => !(HANDOVER_FILES as readonly string[]).includes(name));
  if (foreign.length > 0) {
    throw new CheckpointError(
      `${dir} holds files besides a run handover (${foreign.slice(0, 3).join(', ')}); resume from a directory ` +
        `written by from_nanogpt_run.py alone`,
    );
  }
  const { config: args, tokenizer, weights, moments, run } = readHandoverDir(dir);
  const where = join(dir, 'run.json');
  const { optimizer: opt } = run;
  if (Math.abs(opt.eps - EPS) > 1e-12)
    throw new CheckpointError(`${where}: AdamW eps ${opt.eps}; char-gpt's AdamW uses ${EPS}`);
  const [decayed, rest] = opt.groups as [(typeof opt.groups)[0], (typeof opt.groups)[0]];
  if (rest.weight_decay !== 0)
    throw new CheckpointError(
      `${where}: the second optimizer group decays by ${rest.weight_decay}; nanoGPT's and ours do not decay`,
    );
  const base: TrainConfig = { ...defaults, ...fromNanoGptConfig(run.config) };
  const config: TrainConfig = {
    ...base,
    ...pick(args, ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'bias']),
    data: corpusData(run),
    tokenizer: tokenizer.type,
    outDir: dir,
    initFrom: 'resume',
    seed: opts.seed ?? defaults.seed,
    weightDecay: decayed.weight_decay,
    beta1: opt.betas[0],
    beta2: opt.betas[1],
  };
  // Our groups for this shape must be nanoGPT's: the ≥ 2-D parameters decay, the others do not.
  const model = new Gpt({ ...args, dropout: config.dropout }, { rng: new Rng(0) });
  const { order } = configureOptimizer(model, config);
  const ours = order.map(([name, p]) => [toNanoGptName(name), p.ndim >= 2] as const);
  for (const [name, decays] of ours) {
    if (decayed.params.includes(name) !== decays) {
      throw new CheckpointError(
        `${where}: "${name}" is in the ${decays ? 'undecayed' : 'decayed'} optimizer group; nanoGPT decays exactly the 2-D parameters`,
      );
    }
  }
  const rng = new RunRng(config.seed);
  const staging = join(dirname(dir), `.${basename(dir)}.adopt-${process.pid}-${randomBytes(4).toString('hex')}`);
  writeCheckpoint(staging, {
    meta: {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      iter: run.iter_num,
      evaluated: false,
      bestValLoss: run.best_val_loss,
      config,
      modelArgs: { ...args, dropout: config.dropout },
      tokenizer,
      rng: rng.state(),
      optimizer: { step: opt.step, lr: opt.lr },
      corpus: run.corpus ?? { name: run.dataset, source: `nanoGPT data/${run.dataset}`, characters: 0 },
    },
    model: weights,
    optimizer: moments,
  });
  const retired = `${staging}.handover`;
  renameSync(dir, retired);
  try {
    renameSync(staging, dir);
  } catch (err) {
    renameSync(retired, dir);
    throw err;
  }
  for (const name of HANDOVER_FILES) rmSync(join(retired, name), { force: true });
  if (existsSync(retired)) rmdirSync(retired);
  return { iter: run.iter_num, writer: run.writer, dataset: run.dataset };
}

/**
 * `--data` of an adopted run: the corpus it came from when it started here, else nanoGPT's dataset name
 * (shakespeare_char → tinyshakespeare).
 */
function corpusData(run: { corpus?: { name: string; source: string }; dataset: string }): string {
  if (run.corpus && isCorpusName(run.corpus.name)) return run.corpus.name;
  if (run.corpus && existsSync(run.corpus.source)) return run.corpus.source;
  return datasetName(run.dataset);
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = value[key];
  return out;
}

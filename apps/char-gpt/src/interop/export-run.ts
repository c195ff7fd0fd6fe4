// Hands a char-gpt run over to nanoGPT: weights, AdamW moments, counters, schedule and the tokenized corpus split, written without torch.
import { Rng } from '@tinygpt/autograd';
import { encodeSafetensors } from '@tinygpt/autograd/safetensors';
import { TokenizerError, tokenizerFromJSON } from '@tinygpt/tokenizer';
import type { Tokenizer } from '@tinygpt/tokenizer';
import type { TrainConfig } from '../config.js';
import { readCheckpoint } from '../checkpoint/checkpoint-files.js';
import { CheckpointError } from '../checkpoint/format.js';
import { loadModelTensors } from '../checkpoint/model-state.js';
import { toNanoGptName } from '../checkpoint/names.js';
import { splitIds } from '../data.js';
import { encodeCorpus } from '../encode-corpus.js';
import { Gpt } from '../model/gpt.js';
import { configureOptimizer } from '../optimizer.js';
import { countCharacters, loadCorpus } from '../run.js';
import { toExchangeConfig } from './exchange-config.js';
import { writeHandoverDir } from './handover-dir.js';
import { RUN_FORMAT, RUN_VERSION, toNanoGptConfig } from './run-json.js';
import type { RunJson } from './run-json.js';

/** What {@link exportRun} wrote. */
export interface ExportRunSummary {
  iter: number;
  dataset: string;
  /** Tokens in train.bin and val.bin. */
  trainTokens: number;
  valTokens: number;
  /** The nanoGPT config file, relative to the handover directory. */
  configFile: string;
}

/**
 * Writes the run in checkpoint `checkpointDir` to `outDir` as a run handover directory:
 * - model.safetensors + config.json: the exchange directory of `pnpm export`;
 * - optimizer.safetensors: AdamW's `exp_avg` / `exp_avg_sq` under nanoGPT's parameter names;
 * - run.json: `iter_num`, `best_val_loss`, nanoGPT's train.py knobs, AdamW's step, betas, eps and
 *   the two parameter groups in nanoGPT's `configure_optimizers` order;
 * - nanogpt/data/DATASET/{train.bin,val.bin,meta.json}: the same 90/10 split of the same corpus
 *   as uint16 token ids, and the vocabulary (a GPT-2-token run has no meta.json: nanoGPT, finding
 *   no meta.pkl, uses tiktoken's `gpt2` encoding, as for its data/shakespeare);
 * - nanogpt/config/resume_DATASET.py: a train.py config file that resumes the run.
 * tools/nanogpt/to_nanogpt_run.py then adds nanogpt/out-DATASET/ckpt.pt and meta.pkl (they need torch).
 * @throws CheckpointError for a damaged checkpoint, a corpus that is no longer the one trained on,
 *   or an `outDir` holding other files.
 *
 * @example
 * exportRun('runs/quick', 'runs/quick-handover'); // then: python3 tools/nanogpt/to_nanogpt_run.py runs/quick-handover
 */
export async function exportRun(
  checkpointDir: string,
  outDir: string,
  opts: { dataset?: string } = {},
): Promise<ExportRunSummary> {
  const { meta, model: weights, optimizer: moments } = readCheckpoint(checkpointDir);
  const config: TrainConfig = meta.config;
  let tokenizer: Tokenizer;
  try {
    tokenizer = await tokenizerFromJSON(meta.tokenizer);
  } catch (err) {
    if (err instanceof TokenizerError)
      throw new CheckpointError(`${checkpointDir}/checkpoint.json has a damaged tokenizer: ${err.message}`);
    throw err;
  }
  const tokenizerJson = tokenizer.toJSON();
  // tinyshakespeare in GPT-2 tokens is nanoGPT's data/shakespeare (BPE, no meta.pkl).
  const gpt2Shakespeare = tokenizerJson.type === 'gpt2' && meta.corpus.name === 'tinyshakespeare';
  const dataset = opts.dataset ?? (gpt2Shakespeare ? 'shakespeare' : datasetDirName(meta.corpus.name));
  if (!/^[\w.-]+$/.test(dataset))
    throw new CheckpointError(`--dataset must be a directory name (letters, digits, _ . -), got "${dataset}"`);
  // The model and optimizer of this shape fix the parameter names and groups; the weights are checked against them.
  const model = new Gpt(meta.modelArgs, { rng: new Rng(0) });
  loadModelTensors(model, weights, `${checkpointDir}/model.safetensors`);
  const { order } = configureOptimizer(model, config);
  const names = order.map(([name]) => toNanoGptName(name));
  const decayed = order.filter(([, p]) => p.ndim >= 2).length;
  for (const name of names) {
    for (const key of [`${name}.exp_avg`, `${name}.exp_avg_sq`])
      if (!moments[key]) throw new CheckpointError(`${checkpointDir}/optimizer.safetensors lacks "${key}"`);
  }
  const corpus = await loadCorpus(config.data);
  const characters = countCharacters(corpus.text);
  if (characters !== meta.corpus.characters) {
    throw new CheckpointError(
      `${config.data} has ${characters} characters but the run trained on ${meta.corpus.characters}; the corpus ` +
        `changed, so its split would not be the run's`,
    );
  }
  let ids: Int32Array;
  try {
    ids = await encodeCorpus(tokenizer, corpus.text); // the ids pnpm pretrain trained on
  } catch (err) {
    if (err instanceof TokenizerError)
      throw new CheckpointError(`${config.data} no longer fits the run's vocabulary: ${err.message}`);
    throw err;
  }
  if (tokenizer.vocabSize > 65536)
    throw new CheckpointError(`a vocabulary of ${tokenizer.vocabSize} does not fit nanoGPT's uint16 .bin files`);
  const splits = splitIds(ids, config.blockSize);
  const run: RunJson = {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    writer: 'tinygpt',
    iter_num: meta.iter,
    best_val_loss: meta.bestValLoss,
    dataset,
    config: toNanoGptConfig(config),
    optimizer: {
      step: meta.optimizer.step,
      lr: meta.optimizer.lr,
      betas: [config.beta1, config.beta2],
      eps: 1e-8,
      groups: [
        { weight_decay: config.weightDecay, params: names.slice(0, decayed) },
        { weight_decay: 0, params: names.slice(decayed) },
      ],
    },
    corpus: meta.corpus,
  };
  const optimizer: typeof moments = {};
  for (const name of names) {
    optimizer[`${name}.exp_avg`] = moments[`${name}.exp_avg`]!;
    optimizer[`${name}.exp_avg_sq`] = moments[`${name}.exp_avg_sq`]!;
  }
  const configFile = `nanogpt/config/resume_${dataset}.py`;
  writeHandoverDir(outDir, {
    'model.safetensors': encodeSafetensors(weights, { format: 'pt' }),
    'config.json': `${JSON.stringify(toExchangeConfig(meta.modelArgs, tokenizerJson), null, 1)}\n`,
    'optimizer.safetensors': encodeSafetensors(optimizer),
    'run.json': `${JSON.stringify(run, null, 1)}\n`,
    [`nanogpt/data/${dataset}/train.bin`]: uint16Bytes(splits.train),
    [`nanogpt/data/${dataset}/val.bin`]: uint16Bytes(splits.val),
    // nanoGPT's character datasets have meta.pkl (to_nanogpt_run.py writes it from this); GPT-2's have none.
    ...(tokenizerJson.type === 'char' ? { [`nanogpt/data/${dataset}/meta.json`]: metaJson(tokenizerJson.chars) } : {}),
    [configFile]: nanoGptConfigFile(run, checkpointDir),
  });
  return { iter: meta.iter, dataset, trainTokens: splits.train.length, valTokens: splits.val.length, configFile };
}

/**
 * A corpus name as a nanoGPT data/ directory name: `shakespeare_char` for tinyshakespeare (our
 * train.bin, val.bin and vocabulary are those of nanoGPT's data/shakespeare_char/prepare.py, byte
 * for byte), else the name, or a file's base name without extension.
 */
export function datasetDirName(name: string): string {
  if (name === 'tinyshakespeare') return 'shakespeare_char';
  const base = name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return base.replace(/[^\w.-]+/g, '_') || 'corpus';
}

/** train.py's knobs whose defaults are Python floats. */
const FLOAT_KEYS = new Set(['dropout', 'learning_rate', 'weight_decay', 'beta1', 'beta2', 'grad_clip', 'min_lr']);

/** Token ids as nanoGPT's .bin files hold them: little-endian uint16, one after another. */
function uint16Bytes(ids: Int32Array): Uint8Array {
  const bytes = new Uint8Array(ids.length * 2);
  const view = new DataView(bytes.buffer);
  ids.forEach((id, i) => view.setUint16(2 * i, id, true));
  return bytes;
}

/** A train.py config file (Python assignments, read by nanoGPT's configurator.py) that resumes the run. */
function nanoGptConfigFile(run: RunJson, from: string): string {
  // Floats stay floats (1.0, not 1): nanoGPT's configurator refuses a command-line override of another type.
  const py = (v: number | boolean | string, key = ''): string =>
    typeof v === 'boolean'
      ? v
        ? 'True'
        : 'False'
      : typeof v === 'string'
        ? `'${v}'`
        : FLOAT_KEYS.has(key) && Number.isInteger(v)
          ? v.toFixed(1)
          : String(v);
  const multi = torchrunFlags(Number(run.config.gradient_accumulation_steps), Number(run.config.batch_size), 8);
  const lines = [
    `# Resumes the tinygpt char-gpt run of ${from.replace(/^.*[\\/]/, '')} at iteration ${run.iter_num}; written by pnpm export --run.`,
    `#   python train.py config/resume_${run.dataset}.py`,
    `#   torchrun --standalone --nproc_per_node=8 train.py config/resume_${run.dataset}.py${multi.flags.map((f) => ` ${f}`).join('')}`,
    '# torchrun divides gradient_accumulation_steps among the processes, so it must be a multiple of their number;',
    `# ${multi.note} (see docs/cpu-to-gpu.md).`,
    `out_dir = ${py(`out-${run.dataset}`)}`,
    `init_from = 'resume'`,
    `dataset = ${py(run.dataset)}`,
    ...Object.entries(run.config).map(([key, value]) => `${key} = ${py(value, key)}`),
    '',
  ];
  return lines.join('\n');
}

/**
 * The train.py flags that let `torchrun --nproc_per_node=gpus` resume a run of `gradAccum` × `batchSize`
 * sequences per optimizer step: torchrun divides gradient_accumulation_steps among the processes, so
 * it must become a multiple of `gpus`. The same sequences per step when some multiple of `gpus` divides
 * their number (nanoGPT's shakespeare_char, 1 × 64 on 8 GPUs: 8 × 8); else `gpus` × as many, and `note` says so.
 */
export function torchrunFlags(gradAccum: number, batchSize: number, gpus: number): { flags: string[]; note: string } {
  const sequences = gradAccum * batchSize;
  if (gradAccum % gpus === 0) return { flags: [], note: `the same ${sequences} sequences per step on ${gpus} GPUs` };
  for (let steps = gpus; steps <= sequences; steps += gpus) {
    if (sequences % steps === 0) {
      return {
        flags: [`--gradient_accumulation_steps=${steps}`, `--batch_size=${sequences / steps}`],
        note: `the same ${sequences} sequences per step on ${gpus} GPUs`,
      };
    }
  }
  return {
    flags: [`--gradient_accumulation_steps=${gradAccum * gpus}`],
    note:
      `${gpus} × the ${sequences} sequences per step (${gradAccum} × ${batchSize} does not split over ${gpus} GPUs): ` +
      'a bigger batch, often with a higher learning_rate',
  };
}

/** nanoGPT's character vocabulary as JSON (to_nanogpt_run.py turns it into meta.pkl). */
function metaJson(chars: readonly string[]): string {
  return `${JSON.stringify({ vocab_size: chars.length, itos: chars })}\n`;
}

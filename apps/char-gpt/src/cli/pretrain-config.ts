// Resolves `pnpm pretrain`'s configuration: defaults (or a resumed checkpoint's config), then config files, then flags.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { backendDefaults, backendSpec } from '@tinygpt/backend-wasm';
import type { BackendConfig } from '@tinygpt/backend-wasm';
import { CliError, formatHelp, resolveConfig } from '@tinygpt/cli-kit';
import type { ConfigSource } from '@tinygpt/cli-kit';
import { choices, datasetName, defaults, flagName, help, validate } from '../config.js';
import type { TrainConfig } from '../config.js';
import { readCheckpointMeta } from '../checkpoint/checkpoint-files.js';
import { CheckpointError } from '../checkpoint/format.js';
import { gpt2DownloadHint } from '../checkpoint/foreign-dirs.js';
import { adoptRun } from '../interop/adopt-run.js';
import { isHandoverDir } from '../interop/handover-dir.js';
import { modelDirArgs, modelDirTokenizer } from '../interop/model-dir.js';
import { dataPath, presetNames, presetPath, userCwd, userPath } from '../paths.js';
import { SHAPE_KEYS, shapeChange } from '../run.js';

/**
 * `pnpm pretrain`'s knobs: the training config, and the tensor kernels the run computes on
 * (`--backend`, `--threads`: run knobs, recorded in the checkpoint with the rest).
 */
export type PretrainConfig = TrainConfig & Pick<BackendConfig, keyof BackendConfig>; // Pick: a type resolveConfig's index signature accepts

/** The training defaults plus the backend's (`$TINYGPT_BACKEND` or wasm, a thread per core). */
function commandDefaults(): PretrainConfig {
  return { ...defaults, ...backendDefaults(process.env) };
}

const spec = {
  help: { ...help, ...backendSpec.help },
  choices: {
    device: [...choices.device],
    dtype: [...choices.dtype],
    tokenizer: [...choices.tokenizer],
    ...backendSpec.choices,
  },
  validate: { ...validate, ...backendSpec.validate },
  defaultFrom: backendSpec.defaultFrom,
  aliases: { gradientAccumulationSteps: 'gradAccum', dataset: 'data' }, // nanoGPT's names (its dataset names: datasetName)
  preset: presetPath,
  get presets() {
    return presetNames();
  },
  pythonConfigArgs: true, // nanoGPT's `train.py config/train_shakespeare_char.py --key=value`
  usage: 'pnpm pretrain [--config quick|baby|medium|bpe|FILE.json|FILE.py] [CONFIG.py …] [options]',
  description:
    'Pretrains a character-level GPT (nanoGPT train.py flags; --n_layer=4 spellings and nanoGPT command lines work too).',
  get cwd() {
    return userCwd(); // read per call: tests move it
  },
};

/** The `--help` text of `pnpm pretrain`. */
export function pretrainHelp(): string {
  return formatHelp(commandDefaults(), spec);
}

/**
 * The run's config from the command line, or null when `--help` was asked for. With
 * `--init-from resume`, the checkpoint's own config replaces the defaults, so a resumed run
 * needs no flags but may override run knobs such as `--max-iters` or `--backend` (not the model's
 * shape); `$TINYGPT_BACKEND`, when set, overrides the checkpoint's backend as a flag would. Paths
 * come back absolute, resolved from where the user typed the command.
 * @throws CliError (bad flags or values, a bad `$TINYGPT_BACKEND`) or CheckpointError (resume
 * without a usable checkpoint).
 */
export function pretrainConfig(argv: readonly string[]): PretrainConfig | null {
  const start = commandDefaults();
  // Unchecked first: a resumed run's flags are checked against the checkpoint's config, not the defaults.
  const peek = resolveConfig(start, argv, { ...spec, validate: {} });
  if (peek.help) return null;
  if (peek.config.initFrom !== 'resume') {
    const first = resolveConfig(start, argv, spec);
    const config = absolutePaths(first.config);
    // nanoGPT's `--dataset=shakespeare` is its BPE variant of shakespeare_char: GPT-2's tokens.
    if (first.sources.tokenizer === 'default' && nanoGptDataset(argv) === 'shakespeare') config.tokenizer = 'gpt2';
    return config.initFrom === 'scratch' ? config : initFromModel(config, first.sources);
  }
  const outDir = userPath(peek.config.outDir);
  // A run handed back by nanoGPT (tools/nanogpt/from_nanogpt_run.py) becomes a checkpoint first.
  if (isHandoverDir(outDir)) adoptRun(outDir, { seed: peek.config.seed });
  const meta = readCheckpointMeta(outDir);
  const saved = meta.config as Partial<Record<string, unknown>>;
  const base = { ...start };
  // A saved value is checked as a flag would be; a message about it names the checkpoint, not a default.
  const defaultFrom: Record<string, string> = { ...spec.defaultFrom };
  const where = `${join(outDir, 'checkpoint.json')}: "config.`;
  for (const key of Object.keys(start) as (keyof PretrainConfig)[]) {
    if (saved[key] === undefined) continue; // a checkpoint from before this setting existed
    if (typeof saved[key] !== typeof start[key]) {
      throw new CheckpointError(
        `${where}${key}" must be a ${typeof start[key]}, got ${JSON.stringify(saved[key])}; the checkpoint is damaged`,
      );
    }
    (base as Record<string, unknown>)[key] = saved[key];
    defaultFrom[key] = `${where}${key}"`;
  }
  if (process.env.TINYGPT_BACKEND?.trim()) [base.backend, defaultFrom.backend] = [start.backend, '$TINYGPT_BACKEND'];
  let resumed: PretrainConfig;
  let sources: Readonly<Record<keyof PretrainConfig, ConfigSource>>;
  try {
    const resolved = resolveConfig({ ...base, outDir, initFrom: 'resume' }, argv, { ...spec, defaultFrom });
    resumed = absolutePaths(resolved.config);
    sources = resolved.sources;
  } catch (err) {
    // A bad saved value is a damaged checkpoint (exit 1), not a usage error (exit 2).
    if (err instanceof CliError && err.message.startsWith(where)) throw new CheckpointError(err.message);
    throw err;
  }
  if (resumed.tokenizer !== base.tokenizer) {
    throw new CliError(
      `--tokenizer ${resumed.tokenizer} differs from the checkpoint's ${base.tokenizer}; a resumed run keeps its tokenizer`,
      { exitCode: 2 },
    );
  }
  // A flag or config file that changes the model's shape is a usage error, before any work.
  const change = shapeChange(
    resumed,
    meta.modelArgs,
    SHAPE_KEYS.filter((key) => sources[key] !== 'default'),
  );
  if (change !== undefined) throw new CliError(change, { exitCode: 2 });
  return resumed;
}

/**
 * `--init-from DIR`: the run takes the model's shape from DIR (an exchange directory or a
 * checkpoint), as nanoGPT takes n_layer, n_head, n_embd, block_size and bias from the checkpoint it
 * starts from; a flag or config file that sets one of them differently is an error.
 */
function initFromModel(
  config: PretrainConfig,
  sources: Readonly<Record<keyof PretrainConfig, ConfigSource>>,
): PretrainConfig {
  const initFrom = userPath(config.initFrom);
  if (!existsSync(initFrom) || !statSync(initFrom).isDirectory()) {
    throw new CliError(
      `--init-from must be scratch, resume, or a model directory; got '${config.initFrom}', which is not a ` +
        `directory${gpt2DownloadHint(config.initFrom)}`,
      { exitCode: 2 },
    );
  }
  const args = modelDirArgs(initFrom);
  const tokenizer = modelDirTokenizer(initFrom);
  if (sources.tokenizer !== 'default' && config.tokenizer !== tokenizer) {
    throw new CliError(
      `--tokenizer ${config.tokenizer} differs from the model in ${config.initFrom} (${tokenizer}); --init-from ` +
        `takes the tokenizer from it`,
      { exitCode: 2 },
    );
  }
  const out = { ...config, initFrom, tokenizer };
  for (const key of ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'bias'] as const) {
    // A shorter context crops the position embedding, as nanoGPT's crop_block_size (GPT-2's 1024 → 64).
    if (key === 'blockSize' && sources[key] !== 'default' && config.blockSize < args.blockSize) continue;
    if (sources[key] !== 'default' && config[key] !== args[key]) {
      throw new CliError(
        `${flagName(key)} ${config[key]} differs from the model in ${config.initFrom} (${args[key]}); --init-from ` +
          `takes the model's shape from it${key === 'blockSize' ? ' (a smaller --block-size crops it)' : ''}`,
        { exitCode: 2 },
      );
    }
    (out as Record<string, unknown>)[key] = args[key];
  }
  return out;
}

/** The value of nanoGPT's `--dataset` flag in `argv` (`--dataset=x` or `--dataset x`), if given. */
function nanoGptDataset(argv: readonly string[]): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    const match = /^--dataset(?:=(.*))?$/s.exec(arg);
    if (match) value = match[1] ?? argv[i + 1];
  });
  return value;
}

/** `data` (unless a corpus name) and `outDir` made absolute against the user's directory. */
function absolutePaths(config: PretrainConfig): PretrainConfig {
  const data = datasetName(config.data);
  return { ...config, data: dataPath(data), outDir: userPath(config.outDir) };
}

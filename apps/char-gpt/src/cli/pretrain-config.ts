// Resolves `pnpm pretrain`'s configuration: defaults (or a resumed checkpoint's config), then --config FILE.json, then flags.
import { existsSync } from 'node:fs';
import { CliError, formatHelp, resolveConfig } from '@tinygpt/cli-kit';
import type { ConfigSource } from '@tinygpt/cli-kit';
import { choices, datasetName, defaults, flagName, help, validate } from '../config.js';
import type { TrainConfig } from '../config.js';
import { readCheckpointMeta } from '../checkpoint/checkpoint-files.js';
import { modelDirArgs } from '../interop/model-dir.js';
import { userCwd, userPath } from '../paths.js';
import { isCorpusName } from '../run.js';
import { rewriteArgv } from './argv.js';
import type { FlagAliases } from './argv.js';

/** nanoGPT's names of knobs that are spelled differently here. */
const aliases: FlagAliases = {
  gradientaccumulationsteps: { flag: 'grad-accum' },
  dataset: { flag: 'data', value: datasetName },
};

const spec = {
  help,
  choices: { device: [...choices.device] },
  validate,
  usage: 'pnpm pretrain [--config baby|quick|FILE.json] [options]',
  description:
    'Pretrains a character-level GPT (nanoGPT train.py flags; --n_layer=4 spellings and nanoGPT command lines work too).',
  cwd: userCwd(),
};

/** The `--help` text of `pnpm pretrain`. */
export function pretrainHelp(): string {
  return formatHelp(defaults, spec);
}

/**
 * The run's config from the command line, or null when `--help` was asked for. With
 * `--init-from resume`, the checkpoint's own config replaces the defaults, so a resumed run
 * needs no flags but may override training knobs (not the model's shape). Paths come back
 * absolute, resolved from where the user typed the command.
 * @throws CliError (bad flags or values) or CheckpointError (resume without a usable checkpoint).
 */
export function pretrainConfig(argv: readonly string[]): TrainConfig | null {
  const args = rewriteArgv(argv, aliases);
  const first = resolveConfig(defaults, args, spec);
  if (first.help) return null;
  const config = absolutePaths(first.config);
  if (config.initFrom === 'scratch') return config;
  if (config.initFrom !== 'resume') return initFromModel(config, first.sources);
  const saved = readCheckpointMeta(config.outDir).config as Partial<Record<string, unknown>>;
  const base = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof TrainConfig)[]) {
    if (typeof saved[key] === typeof defaults[key]) (base as Record<string, unknown>)[key] = saved[key];
  }
  const resumed = resolveConfig({ ...base, outDir: config.outDir, initFrom: 'resume' }, args, spec).config;
  return absolutePaths(resumed);
}

/**
 * `--init-from DIR`: the run takes the model's shape from DIR (an exchange directory or a
 * checkpoint), as nanoGPT takes n_layer, n_head, n_embd, block_size and bias from the checkpoint it
 * starts from; a flag or config file that sets one of them differently is an error.
 */
function initFromModel(config: TrainConfig, sources: Readonly<Record<keyof TrainConfig, ConfigSource>>): TrainConfig {
  const initFrom = userPath(config.initFrom);
  if (!existsSync(initFrom)) {
    throw new CliError(`--init-from must be scratch, resume, or a model directory; got '${config.initFrom}', which is not a directory`, { exitCode: 2 });
  }
  const args = modelDirArgs(initFrom);
  const out = { ...config, initFrom };
  for (const key of ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'bias'] as const) {
    if (sources[key] !== 'default' && config[key] !== args[key]) {
      throw new CliError(`${flagName(key)} ${config[key]} differs from the model in ${config.initFrom} (${args[key]}); --init-from takes the model's shape from it`, { exitCode: 2 });
    }
    (out as Record<string, unknown>)[key] = args[key];
  }
  return out;
}

/** `data` (unless a corpus name) and `outDir` made absolute against the user's directory. */
function absolutePaths(config: TrainConfig): TrainConfig {
  const data = datasetName(config.data);
  return { ...config, data: isCorpusName(data) ? data : userPath(data), outDir: userPath(config.outDir) };
}

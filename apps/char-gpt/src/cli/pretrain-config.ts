// Resolves `pnpm pretrain`'s configuration: defaults (or a resumed checkpoint's config), then --config FILE.json, then flags.
import { formatHelp, resolveConfig } from '@tinygpt/cli-kit';
import { choices, datasetName, defaults, help, validate } from '../config.js';
import type { TrainConfig } from '../config.js';
import { readCheckpointMeta } from '../checkpoint/checkpoint-files.js';
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
  choices: { initFrom: [...choices.initFrom], device: [...choices.device] },
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
  if (config.initFrom !== 'resume') return config;
  const saved = readCheckpointMeta(config.outDir).config as Partial<Record<string, unknown>>;
  const base = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof TrainConfig)[]) {
    if (typeof saved[key] === typeof defaults[key]) (base as Record<string, unknown>)[key] = saved[key];
  }
  const resumed = resolveConfig({ ...base, outDir: config.outDir, initFrom: 'resume' }, args, spec).config;
  return absolutePaths(resumed);
}

/** `data` (unless a corpus name) and `outDir` made absolute against the user's directory. */
function absolutePaths(config: TrainConfig): TrainConfig {
  const data = datasetName(config.data);
  return { ...config, data: isCorpusName(data) ? data : userPath(data), outDir: userPath(config.outDir) };
}

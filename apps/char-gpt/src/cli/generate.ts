// `pnpm generate --checkpoint DIR`: samples text from a trained char-gpt, streaming characters as they are produced (nanoGPT's sample.py).
import { readFileSync } from 'node:fs';
import { backendDefaults, backendSpec, withBackend } from '@tinygpt/backend-wasm';
import {
  CliError,
  formatHelp,
  isNonNegative,
  isNonNegativeInteger,
  isPositiveInteger,
  resolveConfig,
  runMain,
} from '@tinygpt/cli-kit';
import { Rng } from '@tinygpt/autograd';
import { TokenizerError } from '@tinygpt/tokenizer';
import { generate } from '../generate.js';
import { loadModelDir } from '../interop/model-dir.js';
import { requiredCheckpoint, userCwd, userPath } from '../paths.js';

/**
 * The command's defaults. The backend's come from `$TINYGPT_BACKEND`, read inside `runMain` so that
 * a bad value is a one-line error.
 */
const commandDefaults = () => ({
  checkpoint: '', // required
  prompt: '',
  promptFile: '',
  maxNewTokens: 500,
  temperature: 0.8,
  topK: 200,
  topP: 1,
  numSamples: 1,
  seed: 1337,
  device: 'cpu',
  compile: false,
  ...backendDefaults(process.env),
});

const spec = {
  help: {
    checkpoint:
      'checkpoint directory written by pnpm pretrain (its --out-dir), or an exchange directory (pnpm export, export_from_nanogpt.py)',
    prompt: 'text to continue (default: a newline, as nanoGPT)',
    promptFile: 'read the prompt from this file',
    maxNewTokens: 'characters to generate per sample',
    temperature: 'sampling temperature; 0 is greedy and deterministic',
    topK: 'sample among the k most likely characters only',
    topP: 'nucleus sampling: the smallest set of characters holding this probability (1: off)',
    numSamples: 'number of samples',
    seed: 'random seed',
    device: 'accepted for nanoGPT command lines',
    compile: 'accepted for nanoGPT command lines; ignored',
    ...backendSpec.help,
  },
  choices: { device: ['cpu'], ...backendSpec.choices },
  validate: {
    maxNewTokens: isNonNegativeInteger,
    temperature: isNonNegative,
    topK: isPositiveInteger,
    topP: (value: number) => (value > 0 && value <= 1 ? undefined : 'a number in (0, 1]'),
    numSamples: isPositiveInteger,
    seed: (value: number) => (Number.isSafeInteger(value) ? undefined : 'an integer'),
    ...backendSpec.validate,
  },
  defaultFrom: backendSpec.defaultFrom,
  aliases: { outDir: 'checkpoint', start: 'prompt' }, // nanoGPT's sample.py: --start="FILE:prompt.txt" reads a file
  usage: 'pnpm generate --checkpoint DIR [--prompt TEXT] [options]',
  description: 'Samples from a trained char-gpt checkpoint (nanoGPT sample.py: --out_dir and --start work too).',
  cwd: userCwd(),
};

await runMain(async (argv) => {
  const defaults = commandDefaults();
  const { config, help, sources } = resolveConfig(defaults, argv, spec);
  if (help) return void process.stdout.write(`${formatHelp(defaults, spec)}\n`);
  if (sources.prompt === 'flag' && config.prompt === '')
    throw new CliError('--prompt is empty: give the text to continue, or leave --prompt out to start from a newline', {
      exitCode: 2,
    });
  const checkpoint = requiredCheckpoint(config.checkpoint);
  if (config.prompt && config.promptFile)
    throw new CliError('give either --prompt or --prompt-file, not both', { exitCode: 2 });
  await withBackend(config, async (backend) => {
    const { model, tokenizer } = loadModelDir(checkpoint);
    let prompt = config.prompt;
    if (prompt.startsWith('FILE:')) prompt = readPrompt(prompt.slice(5));
    if (config.promptFile) prompt = readPrompt(config.promptFile);
    if (prompt === '') prompt = tokenizer.chars.includes('\n') ? '\n' : tokenizer.chars[0]!;
    let ids: Int32Array;
    try {
      ids = tokenizer.encode(prompt);
    } catch (err) {
      if (err instanceof TokenizerError)
        throw new CliError(`the prompt has a character the model never saw: ${err.message}`);
      throw err;
    }
    // On stderr, so stdout holds only the text; after every check, so an error stays one line.
    process.stderr.write(`backend: ${backend.describe()}\n`);
    const rng = new Rng(config.seed);
    for (let s = 0; s < config.numSamples; s++) {
      process.stdout.write(prompt);
      await generate(model, ids, {
        maxNewTokens: config.maxNewTokens,
        temperature: config.temperature,
        topK: config.topK,
        topP: config.topP < 1 ? config.topP : undefined,
        rng,
        onToken: (id) => process.stdout.write(tokenizer.decode([id])),
      });
      process.stdout.write(s + 1 < config.numSamples ? '\n---------------\n' : '\n');
    }
  });
});

/** The prompt in a file, or a CliError saying why it cannot be read. */
function readPrompt(path: string): string {
  try {
    return readFileSync(userPath(path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT'
        ? `prompt file not found: ${path}`
        : `cannot read prompt file ${path}: ${(err as Error).message}`,
    );
  }
}

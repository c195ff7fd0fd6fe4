// `pnpm generate --checkpoint DIR`: samples text from a trained char-gpt, streaming characters as they are produced (nanoGPT's sample.py).
import { backendDefaults, backendSpec, withBackend } from '@tinygpt/backend-wasm';
import {
  CliError,
  formatHelp,
  readStdin,
  readUserFile,
  isNonNegative,
  isPositiveInteger,
  resolveConfig,
  runMain,
} from '@tinygpt/cli-kit';
import { Rng } from '@tinygpt/autograd';
import { firstInvalidUtf8 } from '@tinygpt/datasets/text';
import { TokenizerError } from '@tinygpt/tokenizer';
import { MAX_SAMPLE_TOKENS, choices, help as pretrainHelp } from '../config.js';
import { generateSamples, samplesPerBatch } from '../generate.js';
import { startIds } from '../start-ids.js';
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
  dtype: 'float32',
  initFrom: 'resume',
  ...backendDefaults(process.env),
});

const spec = {
  help: {
    checkpoint:
      'checkpoint directory written by pnpm pretrain (its --out-dir), an exchange directory (pnpm export, ' +
      'export_from_nanogpt.py), or a Hugging Face GPT-2 directory (config.json + model.safetensors)',
    prompt: 'text to continue (default: a newline, as nanoGPT)',
    promptFile: 'read the prompt from this file (- reads standard input)',
    maxNewTokens: 'tokens to generate per sample (characters for a character model)',
    temperature: 'sampling temperature; 0 is greedy and deterministic',
    topK: 'sample among the k most likely tokens only',
    topP: 'nucleus sampling: the smallest set of tokens holding this probability (1: off)',
    numSamples: 'number of samples',
    seed: 'random seed',
    device: pretrainHelp.device,
    compile: pretrainHelp.compile,
    dtype: pretrainHelp.dtype,
    initFrom: "nanoGPT sample.py's init_from: resume, the model in --checkpoint (the only value here)",
    ...backendSpec.help,
  },
  choices: { device: [...choices.device], dtype: [...choices.dtype], ...backendSpec.choices },
  validate: {
    maxNewTokens: (value: number) =>
      Number.isInteger(value) && value >= 0 && value <= MAX_SAMPLE_TOKENS
        ? undefined
        : `an integer from 0 to ${MAX_SAMPLE_TOKENS} (each sample is held in memory)`,
    temperature: isNonNegative,
    topK: isPositiveInteger,
    topP: (value: number) => (value > 0 && value <= 1 ? undefined : 'a number in (0, 1]'),
    numSamples: isPositiveInteger,
    seed: (value: number) => (Number.isSafeInteger(value) ? undefined : 'an integer'),
    initFrom: (value: string) =>
      value === 'resume'
        ? undefined
        : 'resume: a published GPT-2 is sampled from its downloaded directory with --checkpoint DIR ' +
          '(apps/char-gpt/docs/gpt2.md)',
    ...backendSpec.validate,
  },
  defaultFrom: backendSpec.defaultFrom,
  aliases: { outDir: 'checkpoint', start: 'prompt' }, // nanoGPT's sample.py: --start="FILE:prompt.txt" reads a file
  pythonConfigArgs: true, // nanoGPT's `sample.py config/….py --key=value`
  usage: 'pnpm generate --checkpoint DIR [--prompt TEXT] [CONFIG.py …] [options]',
  description: 'Samples from a trained char-gpt checkpoint (nanoGPT sample.py: --out_dir and --start work too).',
  cwd: userCwd(),
};

/** The largest prompt file read: 64 MB (far beyond any model's context). */
const MAX_PROMPT_BYTES = 64 * 1024 * 1024;

await runMain(async (argv) => {
  const defaults = commandDefaults();
  const { config, help, sources } = resolveConfig(defaults, argv, spec);
  if (help) return void process.stdout.write(`${formatHelp(defaults, spec)}\n`);
  if (sources.prompt === 'flag' && config.prompt === '')
    throw new CliError('--prompt is empty: give the text to continue, or leave --prompt out to start from a newline', {
      exitCode: 2,
    });
  if (sources.promptFile === 'flag' && config.promptFile === '')
    throw new CliError('--prompt-file is empty: give the file that holds the prompt', { exitCode: 2 });
  const checkpoint = requiredCheckpoint(config.checkpoint);
  if (config.prompt && config.promptFile)
    throw new CliError('give either --prompt or --prompt-file, not both', { exitCode: 2 });
  await withBackend(config, async (backend) => {
    const { model, tokenizer } = await loadModelDir(checkpoint);
    let prompt = config.prompt;
    if (prompt.startsWith('FILE:')) prompt = readPrompt(prompt.slice(5));
    if (config.promptFile) prompt = readPrompt(config.promptFile);
    if (prompt === '') prompt = tokenizer.decode(startIds(tokenizer));
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
    const opts = {
      maxNewTokens: config.maxNewTokens,
      temperature: config.temperature,
      topK: config.topK,
      topP: config.topP < 1 ? config.topP : undefined,
      rng,
      sampleableIds: tokenizer.vocabSize, // never a pad row of a padded vocabulary
    };
    // The samples go through the model side by side, a batch at a time; the first of each batch streams.
    const perBatch = samplesPerBatch(model.config);
    for (let first = 0; first < config.numSamples; first += perBatch) {
      const n = Math.min(perBatch, config.numSamples - first);
      process.stdout.write(prompt);
      // Holds the bytes of a character that GPT-2's tokens split until the character is whole.
      const stream = tokenizer.streamDecoder();
      const samples = await generateSamples(model, ids, n, {
        ...opts,
        onToken: (s, id) => void (s === 0 && process.stdout.write(stream.write(id))),
      });
      process.stdout.write(stream.end());
      samples.forEach((sample, s) => {
        if (s > 0) process.stdout.write(prompt + tokenizer.decode(sample));
        process.stdout.write(first + s + 1 < config.numSamples ? '\n---------------\n' : '\n');
      });
    }
  });
});

/**
 * The prompt in a file (a regular, non-empty UTF-8 file; a leading byte-order mark is dropped, as
 * from a corpus), or on standard input for `-`, or a CliError saying why it cannot be used.
 */
function readPrompt(path: string): string {
  const stdin = path === '-';
  if (stdin && process.stdin.isTTY)
    process.stderr.write('reading the prompt from standard input (end it with Ctrl-D)\n');
  const bytes = stdin
    ? readStdin({ what: 'prompt', maxBytes: MAX_PROMPT_BYTES })
    : readUserFile(userPath(path), { what: 'prompt file', maxBytes: MAX_PROMPT_BYTES });
  const where = stdin ? 'the prompt on standard input' : `prompt file ${path}`;
  const bad = firstInvalidUtf8(bytes);
  if (bad < bytes.length) {
    const byte = bytes[bad]!.toString(16).padStart(2, '0');
    throw new CliError(`${where} is not valid UTF-8 text (byte 0x${byte} at offset ${bad}); save it as UTF-8`);
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (text === '')
    throw new CliError(
      `${where} is empty: ${stdin ? 'pipe the text to continue into it' : 'put the text to continue in it'}`,
    );
  return text;
}

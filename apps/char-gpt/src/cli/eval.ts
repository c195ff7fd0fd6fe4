// `pnpm eval --checkpoint DIR --data PATH`: the exact mean next-character loss of a checkpoint over a whole text, in
// nats and bits per character.
import { backendDefaults, backendSpec, withBackend } from '@tinygpt/backend-wasm';
import { CliError, createProgress, formatHelp, isPositiveInteger, resolveConfig, runMain } from '@tinygpt/cli-kit';
import type { Progress } from '@tinygpt/cli-kit';
import { TokenizerError } from '@tinygpt/tokenizer';
import { datasetName } from '../config.js';
import { evaluateIds } from '../eval.js';
import { loadModelDir } from '../interop/model-dir.js';
import { dataPath, requiredCheckpoint, userCwd } from '../paths.js';
import { countCharacters, loadCorpus } from '../run.js';

/**
 * The command's defaults. The backend's come from `$TINYGPT_BACKEND`, read inside `runMain` so that
 * a bad value is a one-line error.
 */
const commandDefaults = () => ({
  checkpoint: '',
  data: '',
  batchSize: 16,
  json: false,
  ...backendDefaults(process.env),
});

const spec = {
  help: {
    checkpoint:
      'checkpoint directory written by pnpm pretrain (its --out-dir), an exchange directory (pnpm export, ' +
      'export_from_nanogpt.py), or a Hugging Face GPT-2 directory',
    data: 'text to score: a UTF-8 file, or a corpus name (moby-dick, tinyshakespeare)',
    batchSize: 'windows per forward pass (changes speed, not the result)',
    json:
      'print {"loss", "bpc", "tokens"} as one JSON object ' +
      '(GPT-2 tokens: also "bitsPerToken", "characters"; bpc stays bits per character)',
    ...backendSpec.help,
  },
  choices: backendSpec.choices,
  defaultFrom: backendSpec.defaultFrom,
  validate: {
    batchSize: isPositiveInteger,
    ...backendSpec.validate,
  },
  usage: 'pnpm eval --checkpoint DIR --data PATH [--json]',
  description:
    'Mean next-character cross-entropy over the whole text, read in windows of blockSize + 1 characters starting ' +
    'every blockSize characters: every character after the first is predicted exactly once.',
  cwd: userCwd(),
};

await runMain(async (argv) => {
  const defaults = commandDefaults();
  const { config, help } = resolveConfig(defaults, argv, spec);
  if (help) return void process.stdout.write(`${formatHelp(defaults, spec)}\n`);
  const checkpoint = requiredCheckpoint(config.checkpoint);
  if (!config.data)
    throw new CliError(
      '--data PATH is required: the text file to score (or a corpus name: moby-dick, tinyshakespeare)',
      { exitCode: 2 },
    );
  await withBackend(config, async (backend) => {
    const { model, tokenizer } = await loadModelDir(checkpoint);
    const data = datasetName(config.data);
    const corpus = await loadCorpus(dataPath(data));
    let ids: Int32Array;
    try {
      ids = tokenizer.encode(corpus.text);
    } catch (err) {
      if (err instanceof TokenizerError)
        throw new CliError(`${corpus.name} has a character the model never saw: ${err.message}`);
      throw err;
    }
    if (ids.length < 2) throw new CliError(`${corpus.name} has ${ids.length} character; evaluation needs at least 2`);
    // The backend and the progress on stderr (a bar on a terminal, a line every 10 s otherwise): stdout holds only
    // the result.
    if (!config.json) process.stderr.write(`backend: ${backend.describe()}\n`);
    let progress: Progress | undefined;
    const { loss, bpc, tokens } = await evaluateIds(model, ids, {
      batchSize: config.batchSize,
      onProgress: (done, total) => {
        progress ??= createProgress({ total, label: 'eval', stream: process.stderr });
        progress.update(done);
      },
    });
    progress?.done();
    if (tokenizer.toJSON().type !== 'char') {
      // Bits per character: the tokens' total bits over the characters they predict (all but the first token's).
      const characters = countCharacters(corpus.text) - countCharacters(tokenizer.decode(ids.subarray(0, 1)));
      const bitsPerChar = (bpc * tokens) / characters;
      const n = (v: number): string => v.toLocaleString('en-US');
      if (config.json)
        process.stdout.write(`${JSON.stringify({ loss, bpc: bitsPerChar, bitsPerToken: bpc, tokens, characters })}\n`);
      else
        process.stdout.write(
          `${corpus.name}: loss ${loss.toFixed(4)} nats/token, ${bpc.toFixed(4)} bits/token, ${bitsPerChar.toFixed(4)} bits/char ` +
            `over ${n(tokens)} predicted tokens (${n(characters)} characters)\n`,
        );
    } else if (config.json) process.stdout.write(`${JSON.stringify({ loss, bpc, tokens })}\n`);
    else
      process.stdout.write(
        `${corpus.name}: loss ${loss.toFixed(4)} nats/char, ${bpc.toFixed(4)} bits/char over ` +
          `${tokens.toLocaleString('en-US')} predicted characters\n`,
      );
  });
});

// Prints tinygpt's logits for a prompt as JSON, from a char-gpt checkpoint or an exchange directory, for load_in_pytorch.py --compare.
//   node --import tsx --conditions=@tinygpt/source apps/char-gpt/tools/nanogpt/logits.ts DIR --prompt 'Call me Ishmael.' > ours.json
import { noGrad } from '@tinygpt/autograd';
import { CliError, resolveConfig, runMain } from '@tinygpt/cli-kit';
import { loadModelDir } from '../../src/interop/model-dir.js';
import { userCwd, userPath } from '../../src/paths.js';

const defaults = { prompt: '\n' };

await runMain(async (argv) => {
  const { config, positionals } = resolveConfig(defaults, argv, {
    help: { prompt: 'text to score' },
    positionals: 1,
    usage: 'node --import tsx --conditions=@tinygpt/source apps/char-gpt/tools/nanogpt/logits.ts DIR [--prompt TEXT]',
    cwd: userCwd(),
  });
  if (positionals.length !== 1)
    throw new CliError('give the checkpoint or exchange directory: logits.ts DIR [--prompt TEXT]', { exitCode: 2 });
  const dir = userPath(positionals[0]!);
  const { model, tokenizer } = await loadModelDir(dir);
  const ids = tokenizer.encode(config.prompt);
  const T = ids.length;
  const V = model.config.vocabSize;
  const data = noGrad(() => model.forward(ids, [1, T]).logits.data); // (1, T, V)
  const logits = Array.from({ length: T }, (_, t) => Array.from(data.subarray(t * V, (t + 1) * V)));
  process.stdout.write(`${JSON.stringify({ prompt: config.prompt, ids: Array.from(ids), logits })}\n`);
});
